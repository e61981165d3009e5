"""Seeded generator of realistic synthetic ML notebooks for benchmarks.

    python benchmarks/generate_corpus.py --n 1000 --out /tmp/corpus --seed 0

Each notebook has about 15 code cells and a few markdown cells of varied,
realistic ML code (imports, magics and shell escapes, loading, EDA, splits,
scalers, pipelines, several model families, metrics, tuning), with varied
variable names, and synthetic *saved outputs*: stream text, ``execute_result``
with ``text/plain`` and ``text/html`` tables the size of ``df.head()`` /
``describe()``, estimator reprs, training logs, warnings and a few small
``image/png`` plots, so that files weigh about 30-150 KB like real ones.
Some notebooks contain the pitfalls the linter looks for (preprocessing
before the split, unstratified splits, test-set reuse, out-of-order
execution counts, ...), at realistic rates.

Output is nbformat 4.5 JSON with cell ids (written the way nbformat writes:
``indent=1``, sorted keys). Pure standard library; the same ``seed`` and
``n`` always give byte-identical files, and notebook ``i`` does not depend on
``n``.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import struct
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["generate_corpus", "generate_notebook"]

# ---------------------------------------------------------------------------
# Themes: what the (imaginary) CSV holds.
# column spec: (name, kind, params)
#   kind "float": (mean, sd, decimals, lo)   "int": (lo, hi)   "cat": levels
#   "date": start year   "id": start    "bin": positive share


@dataclass(frozen=True)
class Theme:
    key: str
    title: str
    blurb: str
    file: str
    target: str
    task: str  # "clf" | "reg"
    positive_share: float  # for clf: minority share (0.5 = balanced)
    id_col: str
    date_col: str
    columns: tuple[tuple[str, str, object], ...]
    high_card: str | None = None  # a column with thousands of levels


THEMES: tuple[Theme, ...] = (
    Theme(
        "churn",
        "Customer churn",
        "Predict which subscribers cancel next month.",
        "customers.csv",
        "churned",
        "clf",
        0.04,
        "customer_id",
        "signup_date",
        (
            ("tenure_months", "int", (1, 72)),
            ("monthly_charges", "float", (64.0, 30.0, 2, 18.0)),
            ("total_charges", "float", (2280.0, 2260.0, 2, 18.0)),
            ("support_calls", "int", (0, 9)),
            ("age", "int", (18, 85)),
            ("avg_session_min", "float", (23.0, 11.0, 1, 0.5)),
            ("plan", "cat", ("basic", "standard", "premium", "family")),
            ("region", "cat", ("north", "south", "east", "west", "central")),
            ("payment_method", "cat", ("card", "paypal", "bank_transfer", "voucher")),
            ("device", "cat", ("ios", "android", "web")),
        ),
        "zip_code",
    ),
    Theme(
        "fraud",
        "Card fraud detection",
        "Flag fraudulent card transactions.",
        "transactions.parquet",
        "is_fraud",
        "clf",
        0.02,
        "transaction_id",
        "tx_time",
        (
            ("amount", "float", (58.0, 71.0, 2, 0.5)),
            ("hour", "int", (0, 23)),
            ("account_age_days", "int", (1, 4000)),
            ("n_tx_24h", "int", (0, 25)),
            ("distance_km", "float", (12.0, 30.0, 1, 0.0)),
            (
                "merchant_category",
                "cat",
                ("grocery", "fuel", "travel", "electronics", "jewelry", "gaming"),
            ),
            ("channel", "cat", ("pos", "online", "atm")),
            ("country", "cat", ("US", "GB", "DE", "FR", "NL", "ES", "BR")),
        ),
        "merchant_id",
    ),
    Theme(
        "credit",
        "Loan default",
        "Estimate the probability that a personal loan defaults.",
        "loans.csv",
        "default",
        "clf",
        0.18,
        "loan_id",
        "issue_date",
        (
            ("income", "float", (61000.0, 32000.0, 0, 8000.0)),
            ("loan_amount", "int", (1000, 40000)),
            ("credit_score", "int", (450, 850)),
            ("dti", "float", (0.28, 0.15, 3, 0.0)),
            ("employment_years", "int", (0, 40)),
            ("open_accounts", "int", (0, 30)),
            ("home_ownership", "cat", ("rent", "mortgage", "own", "other")),
            (
                "purpose",
                "cat",
                ("debt_consolidation", "car", "home_improvement", "medical", "wedding"),
            ),
            ("grade", "cat", ("A", "B", "C", "D", "E", "F", "G")),
        ),
        "employer",
    ),
    Theme(
        "housing",
        "House prices",
        "Predict the sale price of a house.",
        "house_sales.csv",
        "price",
        "reg",
        0.5,
        "sale_id",
        "sale_date",
        (
            ("sqft_living", "int", (400, 6000)),
            ("bedrooms", "int", (1, 7)),
            ("bathrooms", "float", (2.1, 0.8, 1, 1.0)),
            ("year_built", "int", (1900, 2022)),
            ("lot_size", "float", (7500.0, 5200.0, 0, 500.0)),
            ("dist_center_km", "float", (11.0, 7.0, 2, 0.2)),
            (
                "neighborhood",
                "cat",
                ("Ballard", "Fremont", "Queen Anne", "Capitol Hill", "Rainier", "Magnolia"),
            ),
            ("house_type", "cat", ("detached", "semi", "townhouse", "condo")),
        ),
        "street",
    ),
    Theme(
        "marketing",
        "Campaign conversion",
        "Which visitors convert after the spring campaign?",
        "sessions.csv",
        "converted",
        "clf",
        0.07,
        "session_id",
        "visit_date",
        (
            ("age", "int", (16, 80)),
            ("visits_30d", "int", (0, 40)),
            ("time_on_site", "float", (182.0, 140.0, 1, 1.0)),
            ("pages_viewed", "int", (1, 60)),
            ("email_opens", "int", (0, 20)),
            ("cart_value", "float", (48.0, 55.0, 2, 0.0)),
            ("utm_source", "cat", ("google", "facebook", "newsletter", "direct", "tiktok")),
            ("campaign", "cat", ("spring_sale", "brand", "retargeting")),
            ("device", "cat", ("mobile", "desktop", "tablet")),
        ),
        "referrer_url",
    ),
    Theme(
        "maintenance",
        "Predictive maintenance",
        "Predict machine failures within the next 7 days.",
        "sensor_readings.csv",
        "failure",
        "clf",
        0.03,
        "machine_id",
        "timestamp",
        (
            ("temperature", "float", (71.0, 6.5, 2, 40.0)),
            ("vibration", "float", (0.42, 0.19, 3, 0.0)),
            ("pressure", "float", (101.3, 4.2, 2, 80.0)),
            ("rpm", "int", (900, 3200)),
            ("voltage", "float", (229.0, 3.1, 1, 200.0)),
            ("hours_since_service", "int", (0, 5000)),
            ("machine_type", "cat", ("A", "B", "C")),
            ("site", "cat", ("plant_1", "plant_2", "plant_3", "plant_4")),
        ),
        None,
    ),
    Theme(
        "clinical",
        "Hospital readmission",
        "Predict 30-day readmission after discharge.",
        "admissions.csv",
        "readmitted",
        "clf",
        0.11,
        "patient_id",
        "admit_date",
        (
            ("age", "int", (18, 99)),
            ("bmi", "float", (27.4, 5.6, 1, 14.0)),
            ("systolic_bp", "int", (85, 200)),
            ("cholesterol", "float", (196.0, 38.0, 0, 100.0)),
            ("glucose", "float", (104.0, 29.0, 0, 55.0)),
            ("n_prior_visits", "int", (0, 15)),
            ("length_of_stay", "int", (1, 30)),
            ("sex", "cat", ("F", "M")),
            ("smoker", "cat", ("never", "former", "current")),
            ("admission_type", "cat", ("emergency", "elective", "urgent")),
        ),
        "diagnosis_code",
    ),
    Theme(
        "demand",
        "Store demand forecast",
        "Forecast daily units sold per store and product family.",
        "daily_sales.csv",
        "units_sold",
        "reg",
        0.5,
        "row_id",
        "date",
        (
            ("price", "float", (4.9, 2.3, 2, 0.5)),
            ("promo", "int", (0, 1)),
            ("temperature", "float", (17.0, 8.0, 1, -10.0)),
            ("day_of_week", "int", (0, 6)),
            ("store_size", "int", (500, 5000)),
            ("holiday", "int", (0, 1)),
            ("store_id", "cat", ("S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08")),
            ("family", "cat", ("dairy", "bakery", "produce", "beverages", "frozen", "household")),
        ),
        "product_sku",
    ),
)

BUILTIN = {
    # loader: (n_rows, n_features, task, classes, feature names sample)
    "load_breast_cancer": (
        569,
        30,
        "clf",
        2,
        ["mean radius", "mean texture", "mean perimeter", "mean area"],
    ),
    "load_wine": (178, 13, "clf", 3, ["alcohol", "malic_acid", "ash", "alcalinity_of_ash"]),
    "load_diabetes": (442, 10, "reg", 0, ["age", "sex", "bmi", "bp"]),
    "load_digits": (1797, 64, "clf", 10, ["pixel_0_0", "pixel_0_1", "pixel_0_2", "pixel_0_3"]),
}

# model family: (import line, constructor template, kind, is_complex)
MODELS_CLF = (
    (
        "from sklearn.linear_model import LogisticRegression",
        "LogisticRegression(max_iter={mi}{rs})",
        "linear",
        False,
    ),
    (
        "from sklearn.ensemble import RandomForestClassifier",
        "RandomForestClassifier(n_estimators={ne}, max_depth={md}{rs}, n_jobs=-1)",
        "forest",
        True,
    ),
    (
        "from sklearn.ensemble import GradientBoostingClassifier",
        "GradientBoostingClassifier(n_estimators={ne}, learning_rate={lr}{rs})",
        "boost",
        True,
    ),
    (
        "from sklearn.ensemble import HistGradientBoostingClassifier",
        "HistGradientBoostingClassifier(max_iter={ne}, learning_rate={lr}{rs})",
        "boost",
        True,
    ),
    ("from sklearn.svm import SVC", "SVC(C={c}, kernel='rbf', probability=True{rs})", "svm", False),
    (
        "from sklearn.neighbors import KNeighborsClassifier",
        "KNeighborsClassifier(n_neighbors={k})",
        "knn",
        False,
    ),
    (
        "import xgboost as xgb",
        "xgb.XGBClassifier(n_estimators={ne}, max_depth={md2}, learning_rate={lr}, subsample=0.8{rs})",
        "xgb",
        True,
    ),
    (
        "import lightgbm as lgb",
        "lgb.LGBMClassifier(n_estimators={ne}, num_leaves={nl}, learning_rate={lr}{rs})",
        "lgbm",
        True,
    ),
    (
        "from sklearn.neural_network import MLPClassifier",
        "MLPClassifier(hidden_layer_sizes=({h}, {h2}), max_iter={mi}{rs})",
        "mlp",
        True,
    ),
)
MODELS_REG = (
    ("from sklearn.linear_model import Ridge", "Ridge(alpha={a})", "linear", False),
    ("from sklearn.linear_model import LinearRegression", "LinearRegression()", "linear", False),
    (
        "from sklearn.ensemble import RandomForestRegressor",
        "RandomForestRegressor(n_estimators={ne}, max_depth={md}{rs}, n_jobs=-1)",
        "forest",
        True,
    ),
    (
        "from sklearn.ensemble import GradientBoostingRegressor",
        "GradientBoostingRegressor(n_estimators={ne}, learning_rate={lr}{rs})",
        "boost",
        True,
    ),
    (
        "import xgboost as xgb",
        "xgb.XGBRegressor(n_estimators={ne}, max_depth={md2}, learning_rate={lr}{rs})",
        "xgb",
        True,
    ),
    (
        "import lightgbm as lgb",
        "lgb.LGBMRegressor(n_estimators={ne}, num_leaves={nl}, learning_rate={lr}{rs})",
        "lgbm",
        True,
    ),
    (
        "from sklearn.neighbors import KNeighborsRegressor",
        "KNeighborsRegressor(n_neighbors={k})",
        "knn",
        False,
    ),
)

SK_CSS = (
    "#sk-container-id-{n} {{\n  /* Definition of color scheme common for light and dark mode */\n"
    "  --sklearn-color-text: #000;\n  --sklearn-color-text-muted: #666;\n  --sklearn-color-line: gray;\n"
    "  --sklearn-color-unfitted-level-0: #fff5e6;\n  --sklearn-color-unfitted-level-1: #f6e4d2;\n"
    "  --sklearn-color-unfitted-level-2: #ffe0b3;\n  --sklearn-color-unfitted-level-3: chocolate;\n"
    "  --sklearn-color-fitted-level-0: #f0f8ff;\n  --sklearn-color-fitted-level-1: #d4ebff;\n"
    "  --sklearn-color-fitted-level-2: #b3dbfd;\n  --sklearn-color-fitted-level-3: cornflowerblue;\n"
    "  --sklearn-color-text-on-default-background: var(--sg-text-color, var(--theme-code-foreground, var(--jp-content-font-color1, black)));\n"
    "  --sklearn-color-background: var(--sg-background-color, var(--theme-background, var(--jp-layout-color0, white)));\n"
    "  --sklearn-color-border-box: var(--sg-text-color, var(--theme-code-foreground, var(--jp-content-font-color1, black)));\n"
    "  --sklearn-color-icon: #696969;\n\n  @media (prefers-color-scheme: dark) {{\n"
    "    --sklearn-color-text-on-default-background: var(--sg-text-color, var(--theme-code-foreground, var(--jp-content-font-color1, white)));\n"
    "    --sklearn-color-background: var(--sg-background-color, var(--theme-background, var(--jp-layout-color0, #111)));\n"
    "    --sklearn-color-icon: #878787;\n  }}\n}}\n\n"
    "#sk-container-id-{n} {{\n  color: var(--sklearn-color-text);\n}}\n\n"
    "#sk-container-id-{n} pre {{\n  padding: 0;\n}}\n\n"
    "#sk-container-id-{n} input.sk-hidden--visually {{\n  border: 0;\n  clip: rect(1px 1px 1px 1px);\n"
    "  clip: rect(1px, 1px, 1px, 1px);\n  height: 1px;\n  margin: -1px;\n  overflow: hidden;\n"
    "  padding: 0;\n  position: absolute;\n  width: 1px;\n}}\n\n"
    "#sk-container-id-{n} div.sk-dashed-wrapped {{\n  border: 1px dashed var(--sklearn-color-line);\n"
    "  margin: 0 0.4em 0.5em 0.4em;\n  box-sizing: border-box;\n  padding-bottom: 0.4em;\n"
    "  background-color: var(--sklearn-color-background);\n}}\n\n"
    "#sk-container-id-{n} div.sk-container {{\n  display: inline-block !important;\n  position: relative;\n}}\n\n"
    "#sk-container-id-{n} div.sk-text-repr-fallback {{\n  display: none;\n}}\n\n"
    "div.sk-parallel-item,\ndiv.sk-serial,\ndiv.sk-item {{\n  background-image: linear-gradient(var(--sklearn-color-text-on-default-background), var(--sklearn-color-text-on-default-background));\n"
    "  background-size: 2px 100%;\n  background-repeat: no-repeat;\n  background-position: center center;\n}}\n\n"
    "#sk-container-id-{n} div.sk-label label.sk-toggleable__label,\n#sk-container-id-{n} div.sk-label label {{\n"
    "  font-family: monospace;\n  font-weight: bold;\n  display: inline-block;\n  line-height: 1.2em;\n}}\n\n"
    "#sk-container-id-{n} div.sk-estimator {{\n  font-family: monospace;\n  border: 1px dotted var(--sklearn-color-border-box);\n"
    "  border-radius: 0.25em;\n  box-sizing: border-box;\n  margin-bottom: 0.5em;\n"
    "  background-color: var(--sklearn-color-unfitted-level-0);\n}}\n"
)

WORDS = (
    "quick look at the data",
    "sanity check",
    "baseline first",
    "this took a while to run",
    "TODO: revisit with the full export",
    "numbers match the dashboard",
    "as discussed with the team",
    "see the ticket for context",
    "the previous version of this notebook",
    "for the quarterly review",
)


# ---------------------------------------------------------------------------
# small helpers


def _lines(text: str) -> list[str]:
    """nbformat's multiline-string representation: a list of lines with '\\n' kept."""
    return text.splitlines(keepends=True)


def _png(rng: random.Random, width: int, height: int, busy: float) -> str:
    """A valid PNG (white canvas with random 'plot' rows), base64-encoded."""
    white = b"\xff" * (width * 3)
    rows = []
    for _ in range(height):
        if rng.random() < busy:
            a = rng.randrange(0, width // 2)
            b = rng.randrange(a + 1, width)
            rows.append(b"\x00" + white[: a * 3] + rng.randbytes((b - a) * 3) + white[b * 3 :])
        else:
            rows.append(b"\x00" + white)
    raw = zlib.compress(b"".join(rows), 6)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
    return base64.encodebytes(png).decode("ascii")


class _PngPool:
    """A few dozen PNGs per corpus (building one is the slowest step)."""

    def __init__(self, seed: int, size: int = 24) -> None:
        rng = random.Random(f"png-pool-{seed}")
        self.images = [
            _png(
                rng,
                rng.choice([240, 320, 400]),
                rng.choice([160, 200, 240]),
                rng.uniform(0.05, 0.25),
            )
            for _ in range(size)
        ]

    def pick(self, rng: random.Random) -> str:
        return rng.choice(self.images)


def _cpu_times(rng: random.Random, lo: float, hi: float) -> str:
    user, sys_ = rng.uniform(lo, hi), rng.uniform(lo, hi) / 20
    wall = (user + sys_) / rng.choice([1.0, 1.0, 2.0, 4.0, 8.0]) * rng.uniform(0.9, 1.1)
    return f"CPU times: user {user:.2f} s, sys: {sys_:.2f} s, total: {user + sys_:.2f} s\nWall time: {wall:.2f} s\n"


def _describe(rng: random.Random, col: tuple[str, str, object], n_rows: int) -> list[str]:
    """count, mean, std, min, quartiles, max of a column spec, mutually consistent."""
    _, kind, p = col
    if kind == "float":
        mean, sd, _, lo = p  # type: ignore[misc]
        mean *= rng.uniform(0.97, 1.03)
        q = [max(lo, mean + z * sd) for z in (-3.2, -0.67, -0.05, 0.67, 4.5)]
    elif kind == "int":
        a, b = p  # type: ignore[misc]
        mean, sd = (a + b) / 2, (b - a) / 3.46
        q = [a, a + (b - a) / 4, round(mean), a + 3 * (b - a) / 4, b]
    elif kind == "bin":
        mean = float(p)  # type: ignore[arg-type]
        sd = (mean * (1 - mean)) ** 0.5
        q = [0, 0, 0, 0, 1]
    else:  # id
        mean, sd = 100000 + n_rows / 2, n_rows / 3.46
        q = [100000, 100000 + n_rows / 4, mean, 100000 + 3 * n_rows / 4, 100000 + n_rows - 1]
    vals = [float(n_rows), mean, sd, *q]
    return [_fmt_value(float(v)) for v in vals]


def _fmt_value(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.6f}" if abs(v) < 1e6 else f"{v:.6e}"
    return str(v)


def _plain_table(
    columns: list[str], index: list[str], rows: list[list[str]], width: int = 80
) -> str:
    """pandas-like text/plain rendering, wrapped at ``width`` with ``\\`` continuation."""
    idx_w = max([len(i) for i in index] + [0])
    col_w = [max(len(c), *(len(r[j]) for r in rows)) for j, c in enumerate(columns)]
    blocks: list[list[int]] = []
    cur: list[int] = []
    used = idx_w
    for j, w in enumerate(col_w):
        if cur and used + 2 + w > width - 2:
            blocks.append(cur)
            cur, used = [], idx_w
        cur.append(j)
        used += 2 + w
    if cur:
        blocks.append(cur)
    out = []
    for b, block in enumerate(blocks):
        cont = "  \\" if b < len(blocks) - 1 else ""
        out.append(" " * idx_w + "".join("  " + columns[j].rjust(col_w[j]) for j in block) + cont)
        for i, r in enumerate(rows):
            out.append(
                index[i].ljust(idx_w)
                + "".join("  " + r[j].rjust(col_w[j]) for j in block)
                + (" " * len(cont) if cont else "")
            )
        if b < len(blocks) - 1:
            out.append("")
    return "\n".join(out)


_HTML_HEAD = (
    "<div>\n<style scoped>\n    .dataframe tbody tr th:only-of-type {\n        vertical-align: middle;\n    }\n\n"
    "    .dataframe tbody tr th {\n        vertical-align: top;\n    }\n\n    .dataframe thead th {\n"
    "        text-align: right;\n    }\n</style>\n"
)


def _html_table(
    columns: list[str], index: list[str], rows: list[list[str]], shape: str | None = None
) -> str:
    parts = [
        _HTML_HEAD,
        '<table border="1" class="dataframe">\n  <thead>\n    <tr style="text-align: right;">\n      <th></th>\n',
    ]
    parts.extend(f"      <th>{c}</th>\n" for c in columns)
    parts.append("    </tr>\n  </thead>\n  <tbody>\n")
    for i, r in enumerate(rows):
        parts.append(f"    <tr>\n      <th>{index[i]}</th>\n")
        parts.extend(f"      <td>{v}</td>\n" for v in r)
        parts.append("    </tr>\n")
    parts.append("  </tbody>\n</table>\n")
    if shape:
        parts.append(f"<p>{shape}</p>\n")
    parts.append("</div>")
    return "".join(parts)


# ---------------------------------------------------------------------------
# the notebook being written


@dataclass
class _Nb:
    rng: random.Random
    pngs: _PngPool
    cells: list[dict] = field(default_factory=list)
    counter: int = 0
    n_code: int = 0

    def _id(self) -> str:
        head = f"{self.rng.getrandbits(32):08x}"
        return head + (f"-{self.rng.getrandbits(16):04x}" if self.rng.random() < 0.3 else "")

    def md(self, text: str) -> None:
        self.cells.append(
            {
                "cell_type": "markdown",
                "id": self._id(),
                "metadata": {},
                "source": _lines(text.strip("\n")),
            }
        )

    def code(self, src: str, outputs: list[dict] | None = None) -> None:
        self.counter += 1
        self.n_code += 1
        outs = outputs or []
        for o in outs:
            if o["output_type"] == "execute_result":
                o["execution_count"] = self.counter
        self.cells.append(
            {
                "cell_type": "code",
                "execution_count": self.counter,
                "id": self._id(),
                "metadata": {},
                "outputs": outs,
                "source": _lines(src.strip("\n")),
            }
        )

    # output builders
    @staticmethod
    def stream(text: str, name: str = "stdout") -> dict:
        return {"name": name, "output_type": "stream", "text": _lines(text)}

    @staticmethod
    def result(plain: str, html: str | None = None) -> dict:
        data: dict[str, object] = {"text/plain": _lines(plain)}
        if html is not None:
            data["text/html"] = _lines(html)
        return {
            "data": data,
            "execution_count": None,
            "metadata": {},
            "output_type": "execute_result",
        }

    def figure(self, axes: int = 1) -> dict:
        w, h = self.rng.choice([(640, 480), (800, 500), (1000, 400), (1200, 600), (600, 600)])
        return {
            "data": {
                "image/png": self.pngs.pick(self.rng),
                "text/plain": [f"<Figure size {w}x{h} with {axes} Axes>"],
            },
            "metadata": {},
            "output_type": "display_data",
        }


@dataclass
class _Names:
    df: str
    X: str
    y: str
    Xtr: str
    Xte: str
    ytr: str
    yte: str
    model: str
    pred: str
    scaler: str


_NAME_SETS = (
    ("df", "X", "y", "X_train", "X_test", "y_train", "y_test", "model", "y_pred", "scaler"),
    ("data", "X", "y", "X_train", "X_test", "y_train", "y_test", "clf", "preds", "sc"),
    ("raw", "features", "target", "X_tr", "X_te", "y_tr", "y_te", "est", "pred", "std_scaler"),
    ("train_df", "feats", "labels", "Xtrain", "Xtest", "ytrain", "ytest", "mdl", "yhat", "scaler"),
    (
        "dataset",
        "X_all",
        "y_all",
        "X_train",
        "X_valid",
        "y_train",
        "y_valid",
        "model",
        "valid_pred",
        "ss",
    ),
    ("frame", "X", "y", "train_X", "test_X", "train_y", "test_y", "m", "test_pred", "norm"),
)


def _rows(
    rng: random.Random,
    theme: Theme,
    cols: list[tuple[str, str, object]],
    n: int,
    start_idx: int = 0,
):
    out = []
    for _ in range(n):
        row = []
        for _name, kind, p in cols:
            if kind == "float":
                mean, sd, dec, lo = p  # type: ignore[misc]
                v = max(lo, rng.gauss(mean, sd))
                row.append(f"{v:.{dec}f}" if dec else f"{v:.1f}")
            elif kind == "int":
                row.append(str(rng.randint(*p)))  # type: ignore[misc]
            elif kind == "cat":
                row.append(rng.choice(p))  # type: ignore[arg-type]
            elif kind == "date":
                row.append(f"{p}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
            elif kind == "id":
                row.append(str(p + rng.randint(0, 99999)))  # type: ignore[operator]
            elif kind == "bin":
                row.append("1" if rng.random() < p else "0")  # type: ignore[operator]
            elif kind == "hc":
                row.append(str(rng.randint(10000, 99999)))
        out.append(row)
    return out


def _frame_columns(theme: Theme, extra: int) -> list[tuple[str, str, object]]:
    cols: list[tuple[str, str, object]] = [
        (theme.id_col, "id", 100000),
        (theme.date_col, "date", 2023),
    ]
    cols.extend(theme.columns)
    if theme.high_card:
        cols.append((theme.high_card, "hc", None))
    for i in range(extra):
        cols.append((f"f_{i:02d}", "float", (0.0, 1.0, 6, -9.0)))
    target_kind = (
        ("bin", theme.positive_share) if theme.task == "clf" else ("float", (250.0, 120.0, 1, 1.0))
    )
    cols.append((theme.target, target_kind[0], target_kind[1]))
    return cols


# ---------------------------------------------------------------------------
# the generator proper


def generate_notebook(rng: random.Random, pngs: _PngPool) -> dict:
    """One notebook (nbformat 4.5 dict) drawn from ``rng``."""
    nb = _Nb(rng, pngs)
    theme = rng.choice(THEMES)
    nm = _Names(*rng.choice(_NAME_SETS))
    builtin = rng.random() < 0.12
    loader = rng.choice(sorted(BUILTIN)) if builtin else ""
    extra = rng.choice([0, 0, 0, 4, 8, 16, 24])
    cols = _frame_columns(theme, extra)
    n_rows = rng.choice([1_200, 5_000, 12_480, 48_112, 150_000, 310_245])
    task = BUILTIN[loader][2] if builtin else theme.task
    seed_val = rng.choice([0, 1, 7, 42, 123, 2024])
    seeded = rng.random() < 0.75
    rs = f", random_state={seed_val}" if seeded else ""
    seed_ref = "SEED" if rng.random() < 0.4 else str(seed_val)
    use_cfg = seed_ref == "SEED"
    if use_cfg:
        rs = ", random_state=SEED" if seeded else ""

    # ---- title and setup
    if builtin:
        nb.md(
            f"# {loader.removeprefix('load_').replace('_', ' ').title()} with scikit-learn\n\nThe `{loader}` data set ({rng.choice(WORDS)})."
        )
    else:
        nb.md(f"# {theme.title}\n\n{theme.blurb} Data: `{theme.file}` ({rng.choice(WORDS)}).")
    if rng.random() < 0.35:
        pkgs = rng.choice(
            [
                "lightgbm xgboost",
                "shap",
                "scikit-learn==1.5.2",
                "seaborn missingno",
                "catboost optuna",
            ]
        )
        txt = "".join(
            f"Requirement already satisfied: {p.split('==')[0]} in /opt/conda/lib/python3.11/site-packages\n"
            for p in pkgs.split()
        )
        nb.code(f"!pip install -q {pkgs}", [nb.stream(txt)] if rng.random() < 0.6 else [])

    models = MODELS_CLF if task == "clf" else MODELS_REG
    chosen = rng.sample(models, k=rng.choice([1, 1, 2, 2, 3]))
    imports = ["import numpy as np", "import pandas as pd", "import matplotlib.pyplot as plt"]
    if rng.random() < 0.5:
        imports.append("import seaborn as sns")
    if rng.random() < 0.3:
        imports.insert(0, "import warnings\nwarnings.filterwarnings('ignore')")
    if use_cfg or rng.random() < 0.3:
        imports.append("from pathlib import Path")
    imports += [
        "from sklearn.model_selection import train_test_split, cross_val_score, GridSearchCV, StratifiedKFold",
        "from sklearn.preprocessing import StandardScaler, MinMaxScaler, OneHotEncoder",
        "from sklearn.compose import ColumnTransformer",
        "from sklearn.pipeline import Pipeline, make_pipeline",
        "from sklearn.impute import SimpleImputer",
    ]
    imports += sorted({m[0] for m in chosen})
    if task == "clf":
        imports.append(
            "from sklearn.metrics import accuracy_score, classification_report, confusion_matrix, roc_auc_score, f1_score"
        )
        if rng.random() < 0.3:
            imports.append("from sklearn.dummy import DummyClassifier")
    else:
        imports.append(
            "from sklearn.metrics import mean_squared_error, mean_absolute_error, r2_score"
        )
    if builtin:
        imports.append(f"from sklearn.datasets import {loader}")
    magics = []
    if rng.random() < 0.6:
        magics.append("%matplotlib inline")
    if rng.random() < 0.2:
        magics.append("%load_ext autoreload\n%autoreload 2")
    if rng.random() < 0.15:
        magics.append("%config InlineBackend.figure_format = 'retina'")
    tail = []
    if rng.random() < 0.4:
        tail.append("pd.set_option('display.max_columns', 100)")
    if rng.random() < 0.3:
        tail.append("plt.rcParams['figure.figsize'] = (10, 6)")
    nb.code("\n".join(magics + imports + ([""] + tail if tail else [])))

    if use_cfg:
        nb.code(
            f"SEED = {seed_val}\nDATA_DIR = Path('{rng.choice(['data', '../data', '/mnt/shared/data', 'input'])}')\nTARGET = '{theme.target}'\nnp.random.seed(SEED)"
        )
        tgt = "TARGET"
    else:
        tgt = repr(theme.target)

    # ---- loading
    nb.md(rng.choice(["## Load data", "## Data", "## 1. Loading", "## Read the export"]))
    if rng.random() < 0.1:
        nb.code(
            f"!ls -la {'$DATA_DIR' if use_cfg else 'data/'}" + (" | head" if builtin else ""),
            [
                nb.stream(
                    "total 48213\n"
                    + "".join(
                        f"-rw-r--r-- 1 jovyan users {rng.randint(10_000, 90_000_000):>9} Mar {rng.randint(1, 28):2d} 10:{rng.randint(10, 59)} {f}\n"
                        for f in (theme.file, "README.txt", "holdout.csv")
                    )
                )
            ],
        )
    if builtin:
        n_rows, n_feat, _, _, names = BUILTIN[loader]
        nb.code(
            f"bunch = {loader}(as_frame=True)\n{nm.df} = bunch.frame\nprint({nm.df}.shape)",
            [nb.stream(f"({n_rows}, {n_feat + 1})\n")],
        )
        tgt = "'target'"
        cols = (
            [(n, "float", (10.0, 5.0, 4, 0.0)) for n in names]
            + [(f"feature_{i}", "float", (1.0, 0.5, 4, 0.0)) for i in range(min(n_feat, 24) - 4)]
            + [("target", "int", (0, 2))]
        )
    else:
        path = f"DATA_DIR / '{theme.file}'" if use_cfg else repr(f"data/{theme.file}")
        reader = "read_parquet" if theme.file.endswith(".parquet") else "read_csv"
        extra_arg = (
            f", parse_dates=['{theme.date_col}']"
            if reader == "read_csv" and rng.random() < 0.6
            else ""
        )
        src = "%%time\n" if rng.random() < 0.2 else ""
        src += f"{nm.df} = pd.{reader}({path}{extra_arg})\nprint({nm.df}.shape)"
        outs = [nb.stream(f"({n_rows}, {len(cols)})\n")]
        if src.startswith("%%time"):
            outs.append(nb.stream(_cpu_times(rng, 0.1, 9)))
        nb.code(src, outs)

    # ---- EDA
    colnames = [c[0] for c in cols]
    head_rows = _rows(rng, theme, cols, 5)
    shape_note = f"5 rows × {len(cols)} columns"
    nb.code(
        f"{nm.df}.head()",
        [
            nb.result(
                _plain_table(colnames, [str(i) for i in range(5)], head_rows),
                _html_table(colnames, [str(i) for i in range(5)], head_rows, shape_note),
            )
        ],
    )
    if rng.random() < 0.5:
        dtypes = {
            "float": "float64",
            "int": "int64",
            "cat": "object",
            "date": "datetime64[ns]",
            "id": "int64",
            "bin": "int64",
            "hc": "object",
        }
        body = "".join(
            f" {i:<3} {c[0]:<20} {n_rows - (rng.randint(0, n_rows // 8) if rng.random() < 0.2 else 0)} non-null  {dtypes[c[1]]}\n"
            for i, c in enumerate(cols)
        )
        nb.code(
            f"{nm.df}.info()",
            [
                nb.stream(
                    f"<class 'pandas.core.frame.DataFrame'>\nRangeIndex: {n_rows} entries, 0 to {n_rows - 1}\nData columns (total {len(cols)} columns):\n"
                    f" #   Column                Non-Null Count  Dtype  \n---  ------                --------------  -----  \n{body}"
                    f"dtypes: float64({sum(c[1] == 'float' for c in cols)}), int64({sum(c[1] in ('int', 'id', 'bin') for c in cols)}), object({sum(c[1] in ('cat', 'hc') for c in cols)})\n"
                    f"memory usage: {n_rows * len(cols) * 8 / 1e6:.1f}+ MB\n"
                )
            ],
        )
    num_cols = [c for c in cols if c[1] in ("float", "int", "bin", "id")]
    stats = ["count", "mean", "std", "min", "25%", "50%", "75%", "max"]
    per_col = [_describe(rng, c, n_rows) for c in num_cols]
    desc_cols = [c[0] for c in num_cols]
    transpose = rng.random() < 0.2
    if transpose:
        d_cols, d_index, d_rows = stats, desc_cols, per_col
    else:
        d_cols, d_index = desc_cols, stats
        d_rows = [[col[k] for col in per_col] for k in range(len(stats))]
    nb.code(
        f"{nm.df}.describe()" + (".T" if transpose else ""),
        [nb.result(_plain_table(d_cols, d_index, d_rows), _html_table(d_cols, d_index, d_rows))],
    )
    if task == "clf":
        share = theme.positive_share if not builtin else 0.37
        norm = rng.random() < 0.5
        if norm:
            vc = f"{theme.target if not builtin else 'target'}\n0    {1 - share:.6f}\n1    {share:.6f}\nName: proportion, dtype: float64"
        else:
            pos = int(n_rows * share)
            vc = f"{theme.target if not builtin else 'target'}\n0    {n_rows - pos}\n1    {pos}\nName: count, dtype: int64"
        nb.code(f"{nm.df}[{tgt}].value_counts({'normalize=True' if norm else ''})", [nb.result(vc)])
    if rng.random() < 0.5:
        lines = "\n".join(
            f"{c[0]:<22}{rng.choice([0, 0, 0, rng.randint(1, n_rows // 5)])}" for c in cols
        )
        nb.code(
            f"{nm.df}.isna().sum()"
            + (".sort_values(ascending=False)" if rng.random() < 0.5 else ""),
            [nb.result(lines + "\ndtype: int64")],
        )
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        c = rng.choice(num_cols)[0]
        kind = rng.choice(["hist", "box", "corr", "scatter"] + (["count"] if task == "clf" else []))
        if kind == "hist":
            src = f"{nm.df}['{c}'].hist(bins={rng.choice([30, 50, 100])})\nplt.title('{c}')\nplt.show()"
        elif kind == "box":
            by = (
                tgt
                if task == "clf"
                else repr(rng.choice(cats))
                if (cats := [x[0] for x in cols if x[1] == "cat"])
                else tgt
            )
            src = f"fig, ax = plt.subplots(figsize=(8, 4))\n{nm.df}.boxplot(column='{c}', by={by}, ax=ax)\nplt.show()"
        elif kind == "corr":
            src = f"corr = {nm.df}.select_dtypes('number').corr()\nplt.figure(figsize=(12, 10))\nsns.heatmap(corr, cmap='coolwarm', center=0)\nplt.show()"
            if "import seaborn as sns" not in imports:
                src = "import seaborn as sns\n" + src
        elif kind == "scatter":
            c2 = rng.choice(num_cols)[0]
            src = f"{nm.df}.sample({min(2000, n_rows // 2)}, random_state=0).plot.scatter(x='{c}', y='{c2}', alpha=0.3)\nplt.show()"
        else:
            src = f"{nm.df}[{tgt}].value_counts().plot(kind='bar')\nplt.show()"
        nb.code(src, [nb.figure()])

    # ---- feature engineering
    nb.md(
        rng.choice(["## Feature engineering", "## Preprocessing", "## 2. Features", "## Clean up"])
    )
    cats = [c[0] for c in cols if c[1] == "cat"]
    nums = [c[0] for c in cols if c[1] in ("float", "int") and c[0] != theme.target]
    pre_split_leak = rng.random() < 0.2
    fe = []
    fe_out: list[str] = []
    if not builtin:
        fe.append(f"{nm.df} = {nm.df}.drop(columns=['{theme.id_col}'])")
        if rng.random() < 0.5:
            fe.append(f"{nm.df}['{theme.date_col}'] = pd.to_datetime({nm.df}['{theme.date_col}'])")
            fe.append(f"{nm.df}['month'] = {nm.df}['{theme.date_col}'].dt.month")
            fe.append(f"{nm.df}['dayofweek'] = {nm.df}['{theme.date_col}'].dt.dayofweek")
        if nums and rng.random() < 0.5:
            c = rng.choice(nums)
            fe.append(f"{nm.df}['log_{c}'] = np.log1p({nm.df}['{c}'].clip(lower=0))")
        if rng.random() < 0.35:
            fe.append(
                f"{nm.df} = {nm.df}.fillna({nm.df}.{rng.choice(['mean', 'median'])}(numeric_only=True))"
            )
        if theme.high_card and rng.random() < 0.15:
            fe.append(f"print({nm.df}['{theme.high_card}'].nunique())")
            fe_out.append(f"{rng.randint(1_500, 9_000)}\n")
    encode_dummies = bool(cats) and not builtin and rng.random() < 0.5
    if encode_dummies:
        hc = [theme.high_card] if theme.high_card and rng.random() < 0.3 else []
        fe.append(
            f"{nm.df} = pd.get_dummies({nm.df}, columns={cats + hc!r}, drop_first={rng.choice([True, False])})"
        )
    drop = [theme.date_col] if not builtin else []
    if theme.high_card and not builtin and not (encode_dummies and hc):
        drop.append(theme.high_card)
    fe.append(f"{nm.X} = {nm.df}.drop(columns=[{tgt}" + "".join(f", '{d}'" for d in drop) + "])")
    fe.append(f"{nm.y} = {nm.df}[{tgt}]")
    fe.append(f"print({nm.X}.shape, {nm.y}.shape)")
    n_feat_out = len(nums) + (len(cats) * 4 if encode_dummies else len(cats))
    nb.code("\n".join(fe), [nb.stream("".join(fe_out) + f"({n_rows}, {n_feat_out}) ({n_rows},)\n")])

    use_pipeline = rng.random() < 0.45 and not encode_dummies and bool(cats) and not builtin
    if pre_split_leak and not use_pipeline:
        kind = rng.choice(["StandardScaler", "MinMaxScaler"])
        nb.code(
            f"{nm.X} = pd.DataFrame({kind}().fit_transform({nm.X}.select_dtypes('number')), columns={nm.X}.select_dtypes('number').columns)"
        )

    # ---- split
    nb.md(rng.choice(["## Train/test split", "## Split", "## 3. Hold-out set"]))
    strat = task == "clf" and rng.random() < 0.55
    shuffle_false = rng.random() < 0.07
    split_args = [nm.X, nm.y, f"test_size={rng.choice([0.2, 0.25, 0.3, 0.15])}"]
    if strat and not shuffle_false:
        split_args.append(f"stratify={nm.y}")
    if shuffle_false:
        split_args.append("shuffle=False")
    elif seeded or rng.random() < 0.3:
        split_args.append(f"random_state={'SEED' if use_cfg else seed_val}")
    test_rows = n_rows // 5
    nb.code(
        f"{nm.Xtr}, {nm.Xte}, {nm.ytr}, {nm.yte} = train_test_split(\n    "
        + ", ".join(split_args)
        + "\n)\n"
        f"print({nm.Xtr}.shape, {nm.Xte}.shape)",
        [nb.stream(f"({n_rows - test_rows}, {n_feat_out}) ({test_rows}, {n_feat_out})\n")],
    )

    # ---- preprocessing
    if use_pipeline:
        nb.md(
            "Numeric columns are imputed and scaled, categoricals one-hot encoded, all inside one pipeline."
        )
        nb.code(
            f"num_features = {[n for n in nums][:8]!r}\ncat_features = {cats!r}\n\n"
            "preprocess = ColumnTransformer([\n"
            "    ('num', Pipeline([('impute', SimpleImputer(strategy='median')), ('scale', StandardScaler())]), num_features),\n"
            "    ('cat', OneHotEncoder(handle_unknown='ignore'), cat_features),\n"
            "])"
        )
    elif rng.random() < 0.6:
        if rng.random() < 0.25:
            nb.code(
                f"{nm.scaler} = StandardScaler()\n{nm.scaler}.fit({nm.X})\n{nm.Xtr} = {nm.scaler}.transform({nm.Xtr})\n{nm.Xte} = {nm.scaler}.transform({nm.Xte})"
            )
        else:
            nb.code(
                f"{nm.scaler} = {rng.choice(['StandardScaler', 'MinMaxScaler'])}()\n{nm.Xtr} = {nm.scaler}.fit_transform({nm.Xtr})\n{nm.Xte} = {nm.scaler}.transform({nm.Xte})"
            )

    # ---- models
    nb.md(
        rng.choice(["## Models", "## Modelling", "## 4. Train", "## Baseline and a stronger model"])
    )
    fitted: list[str] = []
    for k, (_, ctor, kind, _complex) in enumerate(chosen):
        name = nm.model if k == 0 else f"{nm.model}_{kind}"
        params = dict(
            mi=rng.choice([100, 200, 500, 1000]),
            rs=rs,
            ne=rng.choice([100, 200, 300, 500, 1000]),
            md=rng.choice(["None", "8", "12", "20"]),
            md2=rng.choice([3, 4, 6, 8]),
            lr=rng.choice([0.01, 0.03, 0.05, 0.1]),
            c=rng.choice([0.1, 1.0, 10.0]),
            k=rng.choice([3, 5, 7, 15]),
            nl=rng.choice([15, 31, 63]),
            h=rng.choice([64, 128, 256]),
            h2=rng.choice([32, 64]),
            a=rng.choice([0.1, 1.0, 10.0]),
        )
        est = ctor.format(**params)
        if kind == "linear" and task == "clf" and rng.random() < 0.1:
            est = est.replace("LogisticRegression(", "LogisticRegression(C=np.inf, ")
        if use_pipeline:
            est = f"Pipeline([('prep', preprocess), ('model', {est})])"
        timed = rng.random() < 0.25
        src = ("%%time\n" if timed else "") + f"{name} = {est}\n{name}.fit({nm.Xtr}, {nm.ytr})"
        outs: list[dict] = []
        if kind in ("xgb", "lgbm") and rng.random() < 0.6:
            log = "".join(
                f"[{i}]\tvalidation_0-{'logloss' if task == 'clf' else 'rmse'}:{rng.uniform(0.05, 0.7):.5f}\n"
                for i in range(0, params["ne"], max(1, params["ne"] // rng.choice([50, 100, 200])))
            )
            outs.append(nb.stream(log))
        if kind in ("linear", "mlp") and rng.random() < 0.3:
            outs.append(
                nb.stream(
                    "/opt/conda/lib/python3.11/site-packages/sklearn/linear_model/_logistic.py:469: ConvergenceWarning: "
                    "lbfgs failed to converge (status=1):\nSTOP: TOTAL NO. OF ITERATIONS REACHED LIMIT.\n\n"
                    "Increase the number of iterations (max_iter) or scale the data as shown in:\n"
                    "    https://scikit-learn.org/stable/modules/preprocessing.html\n",
                    "stderr",
                )
            )
        if timed:
            outs.append(nb.stream(_cpu_times(rng, 1, 300)))
        repr_plain = est.replace("SEED", str(seed_val))
        sk_n = len(fitted) + 1
        html = (
            f'<style>{SK_CSS.format(n=sk_n)}</style><div id="sk-container-id-{sk_n}" class="sk-top-container"><div class="sk-text-repr-fallback"><pre>{repr_plain}</pre>'
            "<b>In a Jupyter environment, please rerun this cell to show the HTML representation or trust the notebook. <br />On GitHub, the HTML representation is unable to render, please try loading this page with nbviewer.org.</b></div></div>"
        )
        outs.append(nb.result(repr_plain, html))
        nb.code(src, outs)
        fitted.append(name)

    # ---- evaluation
    nb.md(rng.choice(["## Evaluation", "## Results", "## 5. Evaluate on the test set"]))
    for name in fitted[: rng.choice([1, 2, 2])]:
        if task == "clf":
            form = rng.choice(["acc", "report", "auc", "cm", "score"])
            if form == "acc":
                nb.code(
                    f"{nm.pred} = {name}.predict({nm.Xte})\nprint('accuracy:', accuracy_score({nm.yte}, {nm.pred}))",
                    [nb.stream(f"accuracy: {rng.uniform(0.8, 0.99):.4f}\n")],
                )
            elif form == "report":
                rep = (
                    "              precision    recall  f1-score   support\n\n"
                    f"           0       {rng.uniform(0.9, 0.99):.2f}      {rng.uniform(0.9, 1):.2f}      {rng.uniform(0.9, 0.99):.2f}     {test_rows - test_rows // 20}\n"
                    f"           1       {rng.uniform(0.2, 0.8):.2f}      {rng.uniform(0.1, 0.7):.2f}      {rng.uniform(0.1, 0.7):.2f}      {test_rows // 20}\n\n"
                    f"    accuracy                           {rng.uniform(0.85, 0.98):.2f}     {test_rows}\n"
                    f"   macro avg       {rng.uniform(0.5, 0.9):.2f}      {rng.uniform(0.5, 0.9):.2f}      {rng.uniform(0.5, 0.9):.2f}     {test_rows}\n"
                    f"weighted avg       {rng.uniform(0.85, 0.98):.2f}      {rng.uniform(0.85, 0.98):.2f}      {rng.uniform(0.85, 0.98):.2f}     {test_rows}\n\n"
                )
                nb.code(
                    f"print(classification_report({nm.yte}, {name}.predict({nm.Xte})))",
                    [nb.stream(rep)],
                )
            elif form == "auc":
                nb.code(
                    f"proba = {name}.predict_proba({nm.Xte})[:, 1]\nprint(f'ROC AUC: {{roc_auc_score({nm.yte}, proba):.4f}}')",
                    [nb.stream(f"ROC AUC: {rng.uniform(0.7, 0.97):.4f}\n")],
                )
            elif form == "cm":
                a, b = rng.randint(10, 400), rng.randint(10, 200)
                nb.code(
                    f"cm = confusion_matrix({nm.yte}, {name}.predict({nm.Xte}))\ncm",
                    [
                        nb.result(
                            f"array([[{test_rows - a - b - 40:>5}, {a:>5}],\n       [{b:>5}, {40:>5}]])"
                        )
                    ],
                )
                if rng.random() < 0.5:
                    nb.code(
                        "sns.heatmap(cm, annot=True, fmt='d', cmap='Blues')\nplt.xlabel('predicted')\nplt.ylabel('actual')\nplt.show()",
                        [nb.figure()],
                    )
            else:
                nb.code(
                    f"{name}.score({nm.Xte}, {nm.yte})",
                    [nb.result(f"{rng.uniform(0.8, 0.99):.16f}")],
                )
        else:
            nb.code(
                f"{nm.pred} = {name}.predict({nm.Xte})\nprint('RMSE:', mean_squared_error({nm.yte}, {nm.pred}) ** 0.5)\nprint('MAE: ', mean_absolute_error({nm.yte}, {nm.pred}))\nprint('R2:  ', r2_score({nm.yte}, {nm.pred}))",
                [
                    nb.stream(
                        f"RMSE: {rng.uniform(20, 200):.6f}\nMAE:  {rng.uniform(10, 120):.6f}\nR2:   {rng.uniform(0.2, 0.9):.6f}\n"
                    )
                ],
            )

    # ---- tuning
    if rng.random() < 0.3:
        scoring = "roc_auc" if task == "clf" else "neg_root_mean_squared_error"
        nb.code(
            f"scores = cross_val_score({fitted[0]}, {nm.Xtr}, {nm.ytr}, cv=5, scoring='{scoring}')\nprint(scores.mean(), scores.std())",
            [nb.stream(f"{rng.uniform(0.7, 0.95):.6f} {rng.uniform(0.001, 0.03):.6f}\n")],
        )
    if rng.random() < 0.15:
        grid = rng.choice(
            [
                {"n_estimators": [100, 300], "max_depth": [4, 8, None]},
                {"C": [0.01, 0.1, 1, 10]},
                {"learning_rate": [0.01, 0.05, 0.1], "max_depth": [3, 5]},
            ]
        )
        prefix = "model__" if use_pipeline else ""
        grid = {prefix + k: v for k, v in grid.items()}
        best = {k: rng.choice(v) for k, v in grid.items()}
        nb.code(
            f"%%time\nparam_grid = {grid!r}\nsearch = GridSearchCV({fitted[0]}, param_grid, cv=3, n_jobs=-1)\nsearch.fit({nm.Xtr}, {nm.ytr})\nprint(search.best_params_, search.best_score_)",
            [
                nb.stream(f"{best!r} {rng.uniform(0.7, 0.95):.4f}\n"),
                nb.stream(_cpu_times(rng, 5, 600)),
            ],
        )
    if rng.random() < 0.15 and task == "clf":
        nb.code(
            f"results = {{}}\nfor depth in [3, 5, 8, 12]:\n    m = RandomForestClassifier(n_estimators=200, max_depth=depth{rs})\n"
            f"    m.fit({nm.Xtr}, {nm.ytr})\n    results[depth] = m.score({nm.Xte}, {nm.yte})\nprint(results)\nbest_depth = max(results, key=results.get)",
            [
                nb.stream(
                    "{"
                    + ", ".join(f"{d}: {rng.uniform(0.8, 0.95):.4f}" for d in (3, 5, 8, 12))
                    + "}\n"
                )
            ],
        )
        if "from sklearn.ensemble import RandomForestClassifier" not in imports:
            nb.cells[-1]["source"].insert(
                0, "from sklearn.ensemble import RandomForestClassifier\n"
            )

    # ---- importances, conclusion, saving
    if rng.random() < 0.4 and not use_pipeline:
        n_imp = min(15, len(nums) + len(cats))
        if n_imp:
            names = rng.sample(nums + cats, n_imp)
            vals = sorted((rng.uniform(0, 0.3) for _ in names), reverse=True)
            plain = (
                "\n".join(f"{n:<24}{v:.6f}" for n, v in zip(names, vals, strict=True))
                + "\ndtype: float64"
            )
            nb.code(
                f"importances = pd.Series({fitted[0]}.{'feature_importances_' if any(c[2] != 'linear' for c in chosen[:1]) else 'coef_[0]'}, index={nm.X}.columns)\n"
                "importances.sort_values(ascending=False).head(15)",
                [nb.result(plain)],
            )
            if rng.random() < 0.6:
                nb.code(
                    "importances.sort_values().tail(15).plot.barh(figsize=(8, 6))\nplt.tight_layout()\nplt.show()",
                    [nb.figure()],
                )
    nb.md(
        rng.choice(
            [
                "## Conclusion\n\nThe model is good enough for a first version. Next: more features and a proper threshold.",
                "## Notes\n\n- results look stable\n- check the drift on the new export\n- "
                + rng.choice(WORDS),
                "## Summary\n\nBest model so far is the " + chosen[0][2] + " one.",
            ]
        )
    )
    if rng.random() < 0.45:
        mpath = f"models/{theme.key}_{rng.choice(['v1', 'v2', 'final', 'latest'])}.joblib"
        nb.code(
            f"import joblib\njoblib.dump({fitted[0]}, '{mpath}')",
            [nb.result(f"['{mpath}']")],
        )
    while nb.n_code < 12:
        c = rng.choice(num_cols)[0]
        nb.code(
            f"{nm.df}['{c}'].quantile([0.01, 0.5, 0.99])",
            [
                nb.result(
                    f"0.01    {rng.uniform(0, 10):.4f}\n0.50    {rng.uniform(10, 100):.4f}\n0.99    {rng.uniform(100, 1000):.4f}\nName: {c}, dtype: float64"
                )
            ],
        )

    # ---- execution order: most in order; some re-run out of order; some not run
    codes = [c for c in nb.cells if c["cell_type"] == "code"]
    r = rng.random()
    if r < 0.15:
        i, j = sorted(rng.sample(range(len(codes)), 2))
        bump = codes[-1]["execution_count"] + rng.randint(1, 5)
        codes[i]["execution_count"] = bump
        for o in codes[i]["outputs"]:
            if o["output_type"] == "execute_result":
                o["execution_count"] = bump
    elif r < 0.25:
        offset = rng.randint(3, 60)
        for c in codes:
            c["execution_count"] += offset
            for o in c["outputs"]:
                if o["output_type"] == "execute_result":
                    o["execution_count"] = c["execution_count"]
    if rng.random() < 0.08:
        c = codes[-1]
        c["execution_count"] = None
        c["outputs"] = []
    # an empty trailing cell, as Jupyter leaves them
    if rng.random() < 0.3:
        nb.cells.append(
            {
                "cell_type": "code",
                "execution_count": None,
                "id": nb._id(),
                "metadata": {},
                "outputs": [],
                "source": [],
            }
        )

    return {
        "cells": nb.cells,
        "metadata": {
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": {
                "codemirror_mode": {"name": "ipython", "version": 3},
                "file_extension": ".py",
                "mimetype": "text/x-python",
                "name": "python",
                "nbconvert_exporter": "python",
                "pygments_lexer": "ipython3",
                "version": rng.choice(["3.10.12", "3.11.7", "3.11.9", "3.12.3"]),
            },
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


_encode_str = json.encoder.encode_basestring  # the C version when available


def _dumps(obj: object, level: int = 0) -> str:
    """``json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False)``, faster.

    (With ``indent`` the standard library falls back to its pure-Python
    encoder; notebooks are mostly lists of short strings, which this joins
    in one go.)
    """
    if isinstance(obj, str):
        return _encode_str(obj)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        pad = "\n" + " " * (level + 1)
        items = [pad + _encode_str(k) + ": " + _dumps(obj[k], level + 1) for k in sorted(obj)]
        return "{" + ",".join(items) + "\n" + " " * level + "}"
    if isinstance(obj, list):
        if not obj:
            return "[]"
        pad = "\n" + " " * (level + 1)
        if all(type(x) is str for x in obj):
            return "[" + pad + ("," + pad).join(map(_encode_str, obj)) + "\n" + " " * level + "]"
        return "[" + ",".join(pad + _dumps(x, level + 1) for x in obj) + "\n" + " " * level + "]"
    return json.dumps(obj)


def generate_corpus(out_dir: Path, n: int, seed: int) -> list[Path]:
    """Write ``n`` notebooks into ``out_dir`` (created if needed); return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pngs = _PngPool(seed)
    paths = []
    for i in range(n):
        rng = random.Random(f"{seed}:{i}")
        nb = generate_notebook(rng, pngs)
        path = out_dir / f"nb_{i:05d}.ipynb"
        path.write_text(_dumps(nb) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="number of notebooks (default 1000)")
    ap.add_argument("--out", type=Path, required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    paths = generate_corpus(args.out, args.n, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(
        f"wrote {len(paths)} notebooks, {size / 1e6:.1f} MB, to {args.out} in {time.perf_counter() - t0:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
