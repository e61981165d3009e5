"""Spark ML in both modes: the static reading of pyspark.ml code, and the hook on real Spark objects.

The static tests need no pyspark. The live ones start one local Spark
session for the module (``local[2]``, no UI) and skip cleanly when pyspark
or Java is missing; ``--execute`` costs one more kernel and JVM.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ml_lint_nb.config import Config
from ml_lint_nb.engine import lint_file

DEMO = (
    Path(__file__).resolve().parent.parent / "demo_notebooks" / "10_spark_scaler_before_split.ipynb"
)
MIME = "application/vnd.ml-lint-nb.findings+json"


# -- static ------------------------------------------------------------------------------------


def test_demo_notebook_statically_gets_ml203_and_ml302() -> None:
    res = lint_file(DEMO, Config())
    got = {f.code: f for f in res.findings}
    assert {"ML203", "ML302"} <= set(got)
    assert "StandardScaler" in got["ML203"].message and "randomSplit" in got["ML203"].message
    # make_classification(n_samples=400, n_features=60): 60 features for the 320 training rows
    assert got["ML302"].severity.value == "warning"
    assert "60 features for 320 rows" in got["ML302"].message
    assert "regParam" in got["ML302"].message


def _lint_cells(tmp_path: Path, *cells: str) -> list:
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return lint_file(path, Config()).findings


SPARK_HEAD = (
    "from pyspark.ml import Pipeline\n"
    "from pyspark.ml.feature import VectorAssembler, StandardScaler, StringIndexer\n"
    "from pyspark.ml.classification import LogisticRegression\n"
    "from pyspark.ml.evaluation import BinaryClassificationEvaluator\n"
    "df = spark.read.parquet('x.parquet')\n"
)


def test_scaler_fitted_on_train_only_is_silent(tmp_path: Path) -> None:
    found = _lint_cells(
        tmp_path,
        SPARK_HEAD,
        "train, test = df.randomSplit([0.8, 0.2], seed=1)\n"
        "va = VectorAssembler(inputCols=['a', 'b'], outputCol='raw')\n"
        "sm = StandardScaler(inputCol='raw', outputCol='features').fit(va.transform(train))\n"
        "m = LogisticRegression(regParam=0.1).fit(sm.transform(va.transform(train)))\n"
        "print(BinaryClassificationEvaluator().evaluate(m.transform(sm.transform(va.transform(test)))))\n",
    )
    assert not [f for f in found if f.code in ("ML203", "ML204", "ML302")]


def test_indexed_three_way_split_and_pipeline_on_all_rows(tmp_path: Path) -> None:
    found = _lint_cells(
        tmp_path,
        SPARK_HEAD,
        "prep = Pipeline(stages=[StringIndexer(inputCol='plan', outputCol='p'),\n"
        "                        VectorAssembler(inputCols=['p', 'a'], outputCol='features')])\n"
        "data = prep.fit(df).transform(df)\n"
        "parts = data.randomSplit([0.6, 0.2, 0.2], seed=3)\n"
        "train, val, test = parts[0], parts[1], parts[2]\n"
        "m = LogisticRegression(regParam=0.1).fit(train)\n"
        "print(BinaryClassificationEvaluator().evaluate(m.transform(test)))\n",
    )
    leaks = [f for f in found if f.code == "ML203"]
    # the last stage is a stateless VectorAssembler: the StringIndexer before it still fits
    assert len(leaks) == 1 and "prep (Pipeline)" in leaks[0].message


def test_stateless_stages_alone_are_not_fits(tmp_path: Path) -> None:
    found = _lint_cells(
        tmp_path,
        SPARK_HEAD + "from pyspark.ml.feature import Bucketizer, SQLTransformer\n",
        "b = Bucketizer(splits=[0, 18, 65, 200], inputCol='age', outputCol='band')\n"
        "data = VectorAssembler(inputCols=['a'], outputCol='features').transform(b.transform(df))\n"
        "train, test = data.randomSplit([0.8, 0.2], seed=3)\n"
        "m = LogisticRegression(regParam=0.1).fit(train)\n"
        "print(BinaryClassificationEvaluator().evaluate(m.transform(test)))\n",
    )
    assert not [f for f in found if f.code in ("ML203", "ML204")]


def test_unseeded_random_split_is_ml501(tmp_path: Path) -> None:
    found = _lint_cells(tmp_path, SPARK_HEAD, "train, test = df.randomSplit([0.8, 0.2])\n")
    assert [f for f in found if f.code == "ML501" and "randomSplit" in f.message]
    seeded = _lint_cells(tmp_path, SPARK_HEAD, "train, test = df.randomSplit([0.8, 0.2], 7)\n")
    assert not [f for f in seeded if f.code == "ML501"]


def test_spark_linear_models_are_not_scale_sensitive(tmp_path: Path) -> None:
    """Spark's LogisticRegression standardizes internally (standardization=True by default)."""
    found = _lint_cells(
        tmp_path,
        "from sklearn.datasets import load_breast_cancer\n"
        "from pyspark.ml.classification import LogisticRegression\n"
        "pdf = load_breast_cancer(as_frame=True).frame\n"
        "df = spark.createDataFrame(pdf)\n"
        "m = LogisticRegression(regParam=0.1).fit(df)\n"
        "m2 = LogisticRegression(regParam=0.1, standardization=False).fit(df)\n",
    )
    unscaled = [f for f in found if f.code == "ML301"]
    assert len(unscaled) == 1 and unscaled[0].location.line == 6


# -- live ----------------------------------------------------------------------------------------


def _need_spark() -> None:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime for Spark")


def test_execute_demo_gets_ml203_and_ml302(tmp_path: Path) -> None:
    """One kernel and its own JVM (before the module's session starts, so never two at once)."""
    _need_spark()
    pytest.importorskip("nbclient")
    from ml_lint_nb.cli.execute import ExecuteOptions, run_notebook

    copy = tmp_path / DEMO.name
    shutil.copy(DEMO, copy)
    live, _notes, failed = run_notebook(copy, ExecuteOptions(timeout=300))
    assert failed is None
    got = {f.code: f for f in live}
    assert {"ML203", "ML302"} <= set(got), sorted(got)
    assert got["ML302"].severity.value == "warning"
    assert any(e.source == "live" and "numFeatures 60" in e.text for e in got["ML302"].evidence)


@pytest.fixture(scope="module")
def spark():
    _need_spark()
    from pyspark.sql import SparkSession

    try:
        session = (
            SparkSession.builder.master("local[2]")
            .appName("ml-lint-nb-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate()
        )
    except Exception as exc:  # a JVM that cannot start
        pytest.skip(f"Spark does not start here: {exc}")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _payloads(sh) -> list[dict]:
    out = []
    for data in sh.published:
        if MIME in data:
            out.append(data[MIME] if isinstance(data[MIME], dict) else json.loads(data[MIME]))
    return out


def _findings(sh) -> list[dict]:
    return [f for p in _payloads(sh) for file in p["files"] for f in file["findings"]]


def _texts(payload: object) -> list[str]:
    if isinstance(payload, str):
        return [payload]
    if isinstance(payload, dict):
        return [t for v in payload.values() for t in _texts(v)]
    if isinstance(payload, list):
        return [t for v in payload for t in _texts(v)]
    return []


def _run(sh, code: str) -> None:
    result = sh.run_cell(code, store_history=True)
    assert result.error_in_exec is None, result.error_in_exec


def _jobs(sh) -> int:
    sh.run_cell("_n_jobs = len(spark.sparkContext.statusTracker().getJobIdsForGroup())")
    return sh.user_ns["_n_jobs"]


CELLS = (
    "from pyspark.sql import SparkSession\n"
    "from pyspark.ml.feature import VectorAssembler, StandardScaler\n"
    "from pyspark.ml.classification import LogisticRegression\n"
    "from pyspark.ml.evaluation import BinaryClassificationEvaluator\n"
    "from sklearn.datasets import load_breast_cancer\n"
    "spark = SparkSession.builder.getOrCreate()\n"
    "pdf = load_breast_cancer(as_frame=True).frame\n"
    "pdf.columns = [c.replace(' ', '_') for c in pdf.columns]\n"
    "df = spark.createDataFrame(pdf)\n"
    "assembler = VectorAssembler(inputCols=[c for c in df.columns if c != 'target'], outputCol='raw')\n"
    "df = assembler.transform(df)",
    "scaler = StandardScaler(inputCol='raw', outputCol='features')\n"
    "scaler_model = scaler.fit(df)\n"
    "df = scaler_model.transform(df)",
    "train, test = df.randomSplit([0.8, 0.2], seed=42)\n"
    "lr = LogisticRegression(labelCol='target', maxIter=20)\n"
    "lr_model = lr.fit(train)\n"
    "predictions = lr_model.transform(test)\n"
    "auc = BinaryClassificationEvaluator(labelCol='target').evaluate(predictions)",
)


def test_hook_reads_the_fitted_model_and_defers_the_frame_checks(spark, shell) -> None:
    _run(shell, CELLS[0])
    _run(shell, CELLS[1])
    shell.published.clear()
    before = _jobs(shell)
    _run(
        shell,
        CELLS[2] + "\n_jobs_in_cell = len(spark.sparkContext.statusTracker().getJobIdsForGroup())",
    )
    in_cell = shell.user_ns["_jobs_in_cell"]
    after = _jobs(shell)
    assert in_cell > before  # the cell's own fit and evaluation ran jobs...
    assert after == in_cell  # ...the hook ran none (nothing collected, nothing counted)
    found = {f["code"]: f for f in _findings(shell)}
    assert "ML203" in found, found
    ml302 = found.get("ML302")
    assert ml302 is not None, found
    # the kernel's model: regParam 0.0 in effect, 30 features read from numFeatures
    assert "30 features" in ml302["message"]
    live = [e for e in ml302["evidence"] if e.get("source") == "live"]
    assert live and "numFeatures 30" in live[0]["text"]
    notes = [t for p in _payloads(shell) for t in _texts(p) if "%mlcheck train test" in t]
    assert len(notes) == 1, notes
    # the same pair evaluated again: no second note
    shell.published.clear()
    _run(
        shell,
        "auc2 = BinaryClassificationEvaluator(labelCol='target').evaluate(lr_model.transform(test))",
    )
    assert not [t for p in _payloads(shell) for t in _texts(p) if "%mlcheck train test" in t]


def test_a_penalty_the_code_hides_is_refuted_by_the_kernel(spark, shell) -> None:
    """``lr.set(lr.regParam, 0.5)``: the dataflow sees the default, the fitted model has 0.5."""
    _run(shell, CELLS[0])
    shell.published.clear()
    _run(
        shell,
        "train, test = df.randomSplit([0.8, 0.2], seed=1)\n"
        "lr = LogisticRegression(featuresCol='raw', labelCol='target', maxIter=10)\n"
        "lr.set(lr.regParam, 0.5)\n"
        "m = lr.fit(train)",
    )
    assert not [f for f in _findings(shell) if f["code"] == "ML302"]
    shell.published.clear()
    _run(
        shell,
        "m0 = LogisticRegression(featuresCol='raw', labelCol='target', maxIter=10).fit(train)",
    )
    assert [f for f in _findings(shell) if f["code"] == "ML302"]


def test_model_fact_reads_params_and_refuses_user_subclasses(spark) -> None:
    from pyspark.ml.classification import LogisticRegression, LogisticRegressionModel
    from pyspark.ml.linalg import Vectors

    from ml_lint_nb.facts.live import safe
    from ml_lint_nb.facts.live.spark_ml import model_fact
    from ml_lint_nb.findings import Location

    df = spark.createDataFrame(
        [(Vectors.dense([0.0, 1.0, 2.0]), 0.0), (Vectors.dense([1.0, 0.0, 3.0]), 1.0)] * 5,
        ["features", "label"],
    )
    model = LogisticRegression(maxIter=5).fit(df)
    fact = safe.call(model_fact, "model", model, Location(line=1))
    assert fact is not None
    assert fact.cls == "LogisticRegression" and "spark" in fact.kinds
    assert fact.params["regParam"] == 0.0 and fact.n_features_in == 3
    assert "scale_sensitive" not in fact.kinds  # standardization=True by default

    class Mine(LogisticRegressionModel):  # user code could run on any attribute read
        pass

    mine = Mine.__new__(Mine)
    assert safe.kind(mine) == "spark_model"
    assert safe.call(model_fact, "mine", mine, Location(line=1)) is None
