"""What the linter knows about the ML libraries it inspects, as plain data.

Kinds are capabilities the rules ask about ("scaler", "scale_sensitive",
"complex", ...). Classes from scikit-learn, xgboost, lightgbm, catboost and
imbalanced-learn are listed by their short class name; anything else with
the scikit-learn API is recognised by duck typing (it gets ``fit``).
"""

from __future__ import annotations

ESTIMATOR_MODULE_ROOTS = (
    "sklearn",
    "xgboost",
    "lightgbm",
    "catboost",
    "imblearn",
    "category_encoders",
)


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


SCALERS = _names(
    "StandardScaler MinMaxScaler RobustScaler MaxAbsScaler Normalizer QuantileTransformer "
    "PowerTransformer"
)
IMPUTERS = _names("SimpleImputer KNNImputer IterativeImputer Imputer")
# scikit-learn transformers whose fit learns nothing from the rows it sees: Normalizer
# rescales each row by that row's own norm (its fit only validates the input)
ROW_WISE = _names("Normalizer normalize")


def learns_from_rows(cls: str, params: dict) -> bool:
    """Whether fitting a transformer learns anything from its rows.

    Not for a row-wise one (``Normalizer``), nor for an imputer told what to
    fill (``SimpleImputer(strategy="constant", fill_value=0)``): fitted on
    every row before a split, neither carries anything from the test rows.
    """
    if cls in ROW_WISE:
        return False
    return not (cls in IMPUTERS and params.get("strategy") == "constant")


# pyspark.ml.feature's stateful estimators share these tables with scikit-learn's
# (StandardScaler, MinMaxScaler, Imputer, OneHotEncoder, PCA, CountVectorizer...);
# the Spark-only names are listed beside them.
ENCODERS = _names(
    "OneHotEncoder OrdinalEncoder TargetEncoder KBinsDiscretizer CountEncoder WOEEncoder "
    "LeaveOneOutEncoder CatBoostEncoder StringIndexer QuantileDiscretizer VectorIndexer"
)
SELECTORS = _names(
    "SelectKBest SelectPercentile SelectFpr SelectFdr SelectFwe GenericUnivariateSelect RFE RFECV "
    "SelectFromModel VarianceThreshold SequentialFeatureSelector ChiSqSelector "
    "UnivariateFeatureSelector VarianceThresholdSelector"
)
DECOMPOSITIONS = _names(
    "PCA TruncatedSVD KernelPCA FastICA NMF FactorAnalysis IncrementalPCA SparsePCA "
    "LatentDirichletAllocation"
)
VECTORIZERS = _names("TfidfVectorizer CountVectorizer TfidfTransformer DictVectorizer IDF Word2Vec")
RESAMPLERS = _names(
    "SMOTE ADASYN RandomOverSampler RandomUnderSampler BorderlineSMOTE SMOTENC SMOTEN SVMSMOTE "
    "KMeansSMOTE SMOTEENN SMOTETomek NearMiss TomekLinks ClusterCentroids EditedNearestNeighbours "
    "RepeatedEditedNearestNeighbours AllKNN CondensedNearestNeighbour OneSidedSelection "
    "NeighbourhoodCleaningRule InstanceHardnessThreshold"
)
# What a resampler does to rows that later land in a test set (ML201/ML203):
# duplicating samplers copy rows, synthetic ones interpolate new rows from
# neighbours, random under-sampling only drops rows, cleaning methods decide
# which rows to drop from their neighbours (a fitted, data-dependent choice).
DUPLICATING = _names("RandomOverSampler")
SYNTHETIC = _names(
    "SMOTE ADASYN BorderlineSMOTE SMOTENC SMOTEN SVMSMOTE KMeansSMOTE SMOTEENN SMOTETomek"
)
UNDERSAMPLERS = _names("RandomUnderSampler")
CLEANERS = _names(
    "NearMiss TomekLinks ClusterCentroids EditedNearestNeighbours RepeatedEditedNearestNeighbours "
    "AllKNN CondensedNearestNeighbour OneSidedSelection NeighbourhoodCleaningRule "
    "InstanceHardnessThreshold"
)
# scikit-learn's functional forms of fitted transformers: each is a fit_transform
# of the class named here (``normalize`` is row-wise and fits nothing).
FUNCTIONAL_TRANSFORMS = {
    "scale": "StandardScaler",
    "minmax_scale": "MinMaxScaler",
    "maxabs_scale": "MaxAbsScaler",
    "robust_scale": "RobustScaler",
    "quantile_transform": "QuantileTransformer",
    "power_transform": "PowerTransformer",
}
# metrics that return a curve over decision thresholds: (precision, recall, thresholds),
# (fpr, tpr, thresholds); a pick along it chooses the threshold on those rows
CURVE_METRICS = _names("precision_recall_curve roc_curve det_curve")
PIPELINES = _names("Pipeline make_pipeline")
# meta-estimators that delegate fitting and predicting to the one estimator they wrap
# (``estimator=`` / ``regressor=`` / the first argument): what they fit is what it fits
WRAPPERS = _names(
    "CalibratedClassifierCV OneVsRestClassifier OneVsOneClassifier OutputCodeClassifier "
    "MultiOutputClassifier MultiOutputRegressor ClassifierChain RegressorChain "
    "TransformedTargetRegressor SelfTrainingClassifier FixedThresholdClassifier "
    "TunedThresholdClassifierCV"
)
# ensembles of the estimators they are given (each member learns from the same features)
ENSEMBLES = _names(
    "VotingClassifier VotingRegressor StackingClassifier StackingRegressor BaggingClassifier "
    "BaggingRegressor AdaBoostClassifier AdaBoostRegressor BalancedBaggingClassifier"
)
COMPOSITES = _names("ColumnTransformer make_column_transformer FeatureUnion make_union")
SEARCHES = _names(
    "GridSearchCV RandomizedSearchCV HalvingGridSearchCV HalvingRandomSearchCV BayesSearchCV "
    "CrossValidator TrainValidationSplit"
)
SPLITTERS = _names(
    "KFold StratifiedKFold GroupKFold StratifiedGroupKFold TimeSeriesSplit ShuffleSplit "
    "StratifiedShuffleSplit GroupShuffleSplit RepeatedKFold RepeatedStratifiedKFold LeaveOneOut "
    "LeavePOut LeaveOneGroupOut PredefinedSplit"
)
SHUFFLING_SPLITTERS = _names(
    "ShuffleSplit StratifiedShuffleSplit GroupShuffleSplit RepeatedKFold RepeatedStratifiedKFold"
)

CLASSIFIERS = _names(
    "LogisticRegression LogisticRegressionCV SGDClassifier RidgeClassifier RidgeClassifierCV "
    "Perceptron PassiveAggressiveClassifier LinearSVC SVC NuSVC KNeighborsClassifier "
    "RadiusNeighborsClassifier DecisionTreeClassifier ExtraTreeClassifier RandomForestClassifier "
    "ExtraTreesClassifier GradientBoostingClassifier HistGradientBoostingClassifier "
    "AdaBoostClassifier BaggingClassifier VotingClassifier StackingClassifier MLPClassifier "
    "GaussianNB MultinomialNB BernoulliNB ComplementNB CategoricalNB LinearDiscriminantAnalysis "
    "QuadraticDiscriminantAnalysis GaussianProcessClassifier DummyClassifier "
    "CalibratedClassifierCV XGBClassifier XGBRFClassifier LGBMClassifier CatBoostClassifier "
    "BalancedRandomForestClassifier EasyEnsembleClassifier RUSBoostClassifier "
    "BalancedBaggingClassifier GBTClassifier NaiveBayes MultilayerPerceptronClassifier "
    "FMClassifier OneVsRest"
)
REGRESSORS = _names(
    "LinearRegression Ridge RidgeCV Lasso LassoCV ElasticNet ElasticNetCV Lars LassoLars "
    "SGDRegressor HuberRegressor BayesianRidge ARDRegression PoissonRegressor TweedieRegressor "
    "GammaRegressor QuantileRegressor TheilSenRegressor RANSACRegressor LinearSVR SVR NuSVR "
    "KNeighborsRegressor RadiusNeighborsRegressor DecisionTreeRegressor ExtraTreeRegressor "
    "RandomForestRegressor ExtraTreesRegressor GradientBoostingRegressor "
    "HistGradientBoostingRegressor AdaBoostRegressor BaggingRegressor VotingRegressor "
    "StackingRegressor MLPRegressor KernelRidge GaussianProcessRegressor DummyRegressor "
    "XGBRegressor XGBRFRegressor LGBMRegressor CatBoostRegressor GBTRegressor "
    "GeneralizedLinearRegression IsotonicRegression FMRegressor AFTSurvivalRegression"
)
CLUSTERERS = _names("KMeans MiniBatchKMeans DBSCAN AgglomerativeClustering SpectralClustering")
DUMMIES = _names("DummyClassifier DummyRegressor")
LINEAR = _names(
    "LogisticRegression LogisticRegressionCV SGDClassifier RidgeClassifier RidgeClassifierCV "
    "Perceptron LinearSVC LinearRegression Ridge RidgeCV Lasso LassoCV ElasticNet ElasticNetCV "
    "SGDRegressor HuberRegressor BayesianRidge LinearSVR PoissonRegressor LinearDiscriminantAnalysis "
    "GaussianNB"
)
COMPLEX = _names(
    "RandomForestClassifier RandomForestRegressor ExtraTreesClassifier ExtraTreesRegressor "
    "GradientBoostingClassifier GradientBoostingRegressor HistGradientBoostingClassifier "
    "HistGradientBoostingRegressor AdaBoostClassifier AdaBoostRegressor BaggingClassifier "
    "BaggingRegressor VotingClassifier VotingRegressor StackingClassifier StackingRegressor "
    "MLPClassifier MLPRegressor XGBClassifier XGBRegressor XGBRFClassifier XGBRFRegressor "
    "LGBMClassifier LGBMRegressor CatBoostClassifier CatBoostRegressor "
    "BalancedRandomForestClassifier EasyEnsembleClassifier RUSBoostClassifier GBTClassifier "
    "GBTRegressor MultilayerPerceptronClassifier"
)
SCALE_SENSITIVE = _names(
    "SVC NuSVC LinearSVC SVR NuSVR LinearSVR KNeighborsClassifier KNeighborsRegressor "
    "RadiusNeighborsClassifier RadiusNeighborsRegressor LogisticRegression LogisticRegressionCV "
    "Ridge RidgeCV RidgeClassifier RidgeClassifierCV Lasso LassoCV ElasticNet ElasticNetCV "
    "SGDClassifier SGDRegressor Perceptron PassiveAggressiveClassifier MLPClassifier MLPRegressor "
    "KernelRidge PCA KernelPCA KMeans MiniBatchKMeans GaussianProcessClassifier "
    "GaussianProcessRegressor"
)
# Estimators whose result depends on random_state in their default configuration.
RANDOMIZED = _names(
    "RandomForestClassifier RandomForestRegressor ExtraTreesClassifier ExtraTreesRegressor "
    "GradientBoostingClassifier GradientBoostingRegressor HistGradientBoostingClassifier "
    "HistGradientBoostingRegressor AdaBoostClassifier AdaBoostRegressor BaggingClassifier "
    "BaggingRegressor DecisionTreeClassifier DecisionTreeRegressor ExtraTreeClassifier "
    "ExtraTreeRegressor MLPClassifier MLPRegressor SGDClassifier SGDRegressor Perceptron KMeans "
    "MiniBatchKMeans TruncatedSVD IsolationForest TSNE RandomizedSearchCV HalvingRandomSearchCV "
    "SMOTE ADASYN RandomOverSampler RandomUnderSampler BorderlineSMOTE SMOTENC SVMSMOTE "
    "BalancedRandomForestClassifier EasyEnsembleClassifier RUSBoostClassifier "
    "BalancedBaggingClassifier ShuffleSplit StratifiedShuffleSplit GroupShuffleSplit"
)
OUTLIER_SENSITIVE = _names("AdaBoostClassifier AdaBoostRegressor")

# Which parameters control regularisation, for ML302.
REGULARISATION = {
    "LogisticRegression": "C",
    "LinearSVC": "C",
    "Ridge": "alpha",
    "RidgeClassifier": "alpha",
    "Lasso": "alpha",
    "ElasticNet": "alpha",
    "SGDClassifier": "alpha",
    "SGDRegressor": "alpha",
}

TRANSFORMER_KINDS = (
    "scaler",
    "imputer",
    "encoder",
    "selector",
    "decomposition",
    "vectorizer",
    "resampler",
)

TABLES: tuple[tuple[str, frozenset[str]], ...] = (
    ("scaler", SCALERS),
    ("imputer", IMPUTERS),
    ("encoder", ENCODERS),
    ("selector", SELECTORS),
    ("decomposition", DECOMPOSITIONS),
    ("vectorizer", VECTORIZERS),
    ("resampler", RESAMPLERS),
    ("duplicating", DUPLICATING),
    ("synthetic", SYNTHETIC),
    ("undersampling", UNDERSAMPLERS),
    ("cleaning", CLEANERS),
    ("pipeline", PIPELINES),
    ("wrapper", WRAPPERS),
    ("ensemble", ENSEMBLES),
    ("composite", COMPOSITES),
    ("search", SEARCHES),
    ("splitter", SPLITTERS),
    ("classifier", CLASSIFIERS),
    ("regressor", REGRESSORS),
    ("cluster", CLUSTERERS),
    ("dummy", DUMMIES),
    ("linear", LINEAR),
    ("complex", COMPLEX),
    ("scale_sensitive", SCALE_SENSITIVE),
    ("randomized", RANDOMIZED),
    ("outlier_sensitive", OUTLIER_SENSITIVE),
)
KNOWN_CLASSES: frozenset[str] = frozenset().union(*(names for _, names in TABLES))


def kinds_of(cls_name: str) -> frozenset[str]:
    """Capabilities of a class by its short name; ``estimator`` for anything fit-able."""
    kinds = {kind for kind, names in TABLES if cls_name in names}
    if kinds & set(TRANSFORMER_KINDS):
        kinds.add("transformer")
    kinds.add("estimator")
    return frozenset(kinds)


def is_estimator_qualname(qualname: str) -> bool:
    """A class from one of the libraries we inspect (or a known class imported from anywhere)."""
    short = qualname.rsplit(".", 1)[-1]
    if short in KNOWN_CLASSES or is_spark_ml(qualname):
        return True
    root = qualname.split(".", 1)[0]
    return root in ESTIMATOR_MODULE_ROOTS and short[:1].isupper() and not short.isupper()


# ---------------------------------------------------------------------------
# Spark ML (pyspark.ml). Its estimators share class names (and so kinds) with
# scikit-learn's, but differ in three ways the rules care about: ``fit``
# returns a new Model object instead of fitting in place; ``transform`` of a
# Model whose last stage predicts adds predictions; and the defaults differ
# (regParam=0.0, built-in standardization, a fixed default seed).
SPARK_ML_PREFIXES = ("pyspark.ml.",)
# transformers that learn nothing from the rows (their transform is a pure function);
# Bucketizer takes explicit splits, so it too fits nothing
SPARK_STATELESS = _names(
    "VectorAssembler Bucketizer SQLTransformer Tokenizer RegexTokenizer HashingTF Binarizer "
    "StopWordsRemover NGram PolynomialExpansion ElementwiseProduct Interaction VectorSlicer "
    "FeatureHasher DCT Normalizer IndexToString VectorSizeHint"
)
SPARK_EVALUATORS = _names(
    "BinaryClassificationEvaluator MulticlassClassificationEvaluator RegressionEvaluator "
    "MultilabelClassificationEvaluator ClusteringEvaluator RankingEvaluator"
)
# each evaluator's metricName (and its default) as the scikit-learn metric it computes
SPARK_METRICS = {
    "accuracy": "accuracy_score",
    "f1": "f1_score",
    "weightedPrecision": "precision_score",
    "weightedRecall": "recall_score",
    "precisionByLabel": "precision_score",
    "recallByLabel": "recall_score",
    "areaUnderROC": "roc_auc_score",
    "areaUnderPR": "average_precision_score",
    "rmse": "mean_squared_error",
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "r2": "r2_score",
    "logLoss": "log_loss",
}
SPARK_DEFAULT_METRIC = {
    "BinaryClassificationEvaluator": "areaUnderROC",
    "MulticlassClassificationEvaluator": "f1",
    "RegressionEvaluator": "rmse",
}
# Spark's linear learners standardize features internally (standardization=True)
SPARK_STANDARDIZING = _names("LogisticRegression LinearRegression LinearSVC AFTSurvivalRegression")
# learners whose regularization is regParam, 0.0 (none) by default
SPARK_REG_PARAM = _names(
    "LogisticRegression LinearRegression LinearSVC GeneralizedLinearRegression"
)


def is_spark_ml(qualname: str) -> bool:
    """A class of ``pyspark.ml`` (a capitalised name under it: ``PCA`` and ``IDF`` too)."""
    short = qualname.rsplit(".", 1)[-1]
    return qualname.startswith(SPARK_ML_PREFIXES) and short[:1].isupper()


def spark_kinds(short: str, params: dict) -> frozenset[str]:
    """Kinds of a ``pyspark.ml`` class: scikit-learn's by name, adjusted to Spark's defaults.

    A linear learner that standardizes its features is not scale-sensitive,
    and a default seed is fixed (no ``randomized``); a stateless transformer
    or an evaluator fits nothing, so it has no transformer kinds at all.
    """
    if short in SPARK_EVALUATORS:
        return frozenset({"evaluator"})
    if short == "ParamGridBuilder":  # builds parameter maps; fits nothing
        return frozenset({"builder"})
    if short in SPARK_STATELESS:
        return frozenset({"stateless", "spark"})
    kinds = set(kinds_of(short)) | {"spark"}
    kinds.discard("randomized")
    if short in SPARK_STANDARDIZING and params.get("standardization", True) is not False:
        kinds.discard("scale_sensitive")
    return frozenset(kinds)


# ---------------------------------------------------------------------------
# Bundled and generated datasets: what their loaders are known to return.
# shares: class shares; scale_ratio: largest over smallest feature std;
# order: rows ordered by "label" (or None).
DATASETS: dict[str, dict] = {
    "load_breast_cancer": {
        "n_rows": 569,
        "n_features": 30,
        "n_classes": 2,
        "shares": (0.373, 0.627),
        "scale_ratio": 215_000.0,
        "scale_text": "load_breast_cancer features range from about 0.004 (fractal dimension error) to 880 (worst area) on average; standard deviations differ 215,000-fold",
        "order": None,
    },
    "load_wine": {
        "n_rows": 178,
        "n_features": 13,
        "n_classes": 3,
        "shares": (0.331, 0.399, 0.270),
        "scale_ratio": 2_530.0,
        "scale_text": "load_wine features range from about 0.36 (nonflavanoid phenols) to 747 (proline) on average; standard deviations differ 2,500-fold",
        "order": "rows are sorted by class (59 of class 0, then 71 of class 1, then 48 of class 2)",
    },
    "load_iris": {
        "n_rows": 150,
        "n_features": 4,
        "n_classes": 3,
        "shares": (1 / 3, 1 / 3, 1 / 3),
        "scale_ratio": 4.05,
        "scale_text": "load_iris features are all in centimetres, standard deviations within 4-fold",
        "order": "rows are sorted by class (50 setosa, 50 versicolor, 50 virginica)",
    },
    "load_digits": {
        "n_rows": 1797,
        "n_features": 64,
        "n_classes": 10,
        "shares": None,
        "scale_ratio": 1.0,
        "scale_text": "load_digits pixels all share one 0-16 intensity scale",
        "order": None,
    },
    "load_diabetes": {
        "n_rows": 442,
        "n_features": 10,
        "n_classes": None,
        "shares": None,
        "scale_ratio": 1.0,
        "scale_text": "load_diabetes features are already mean-centred and scaled",
        "order": None,
    },
    "fetch_lfw_people": {
        "n_rows": None,
        "n_features": None,
        "n_classes": None,
        "shares": None,
        "scale_ratio": 1.0,
        "scale_text": "fetch_lfw_people pixels all share one intensity scale",
        "order": None,
    },
    "fetch_olivetti_faces": {
        "n_rows": 400,
        "n_features": 4096,
        "n_classes": 40,
        "shares": None,
        "scale_ratio": 1.0,
        "scale_text": "fetch_olivetti_faces pixels all share one 0-1 intensity scale",
        "order": "rows are sorted by class (10 images of each of the 40 people in turn)",
    },
    "fetch_california_housing": {
        "n_rows": 20640,
        "n_features": 8,
        "n_classes": None,
        "shares": None,
        "scale_ratio": 2_400.0,
        "scale_text": "California housing features range from about 1.1 (AveBedrms) to 1,425 (Population) on average; standard deviations differ about 2,400-fold",
        "order": None,
    },
}
GENERATORS = frozenset(
    {
        "make_classification",
        "make_regression",
        "make_blobs",
        "make_moons",
        "make_circles",
        "make_multilabel_classification",
        "make_hastie_10_2",
        "make_friedman1",
    }
)


# Transformers whose output columns all share one unit (ML301 needs no scaler after them):
# indicator columns, embeddings of a manifold learner (coordinates of one map); and a PCA
# with whiten=True, which scales its components to unit variance.
SAME_UNIT_OUTPUTS = _names(
    "OneHotEncoder LabelBinarizer MultiLabelBinarizer Binarizer TSNE Isomap "
    "LocallyLinearEmbedding MDS SpectralEmbedding UMAP"
)
WHITENING = _names("PCA IncrementalPCA")


def settles_scale(cls: str, params: dict) -> bool:
    """A transformer after which the features share one unit."""
    return cls in SAME_UNIT_OUTPUTS or (cls in WHITENING and params.get("whiten") is True)
