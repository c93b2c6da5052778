"""Package hygiene: numerics stays an independent witness and exports a documented API."""

import ast
import inspect
import pathlib
import sys

import numerics as nm

PKG = pathlib.Path(nm.__file__).parent


def test_numerics_imports_only_numpy_and_stdlib():
    allowed_third_party = {"numpy"}
    forbidden = {"theory", "derivations", "scipy"}
    for path in PKG.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = {node.module.split(".")[0]}
            else:
                continue
            assert not roots & forbidden, f"{path.name} imports {roots & forbidden}"
            third_party = {r for r in roots if r not in sys.stdlib_module_names}
            assert third_party <= allowed_third_party, f"{path.name} imports {third_party}"


def test_public_api_is_exported_once_and_documented():
    assert len(nm.__all__) == len(set(nm.__all__))
    for name in nm.__all__:
        obj = getattr(nm, name)
        doc = inspect.getdoc(obj)
        assert doc and len(doc) > 20, f"{name} lacks a docstring"
        if inspect.isfunction(obj):
            sig = inspect.signature(obj)
            assert sig.return_annotation is not inspect.Signature.empty, f"{name}: no return type"


def test_random_functions_take_a_generator():
    # Every public function with randomness takes `rng` (never numpy's global state).
    for name in (
        "sample_features",
        "sample_tasks",
        "sample_wishart",
        "one_step_error_samples",
        "one_step_error_paired_samples",
        "one_step_error_naive",
        "wishart_sandwich_samples",
        "make_pretrain_data",
        "make_sft_data",
        "mc_estimate",
        "mc_estimate_cv",
        "mc_estimate_to_precision",
    ):
        assert "rng" in inspect.signature(getattr(nm, name)).parameters, name
    for path in PKG.glob("*.py"):
        src = path.read_text()
        assert "np.random.seed" not in src and "np.random.normal" not in src, path.name
