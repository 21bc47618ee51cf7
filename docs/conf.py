"""The documentation site (Sphinx): the API reference from the docstrings (autodoc, autosummary),
tutorials executed when the site is built (sphinx-gallery, as scikit-learn's), the command line from
its own parser (sphinx-argparse), pages in Markdown (MyST). ``make docs``; warnings are errors, and
every cross-reference must resolve. Sphinx rather than MkDocs because the docstrings are
reStructuredText with cross-references (as escnn's, e3nn's, sympy's and scikit-learn's, which all
build with Sphinx), and sphinx-gallery executes the tutorials as plain Python files that ruff checks."""

import sys
from importlib.metadata import version as installed_version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))  # the tutorials import the examples
REPORT = Path(__file__).resolve().parent / "generated" / "report"  # the demo's report page, at the site's root
REPORT.mkdir(parents=True, exist_ok=True)

project = "symgroup"
author = "the symgroup developers"
release = installed_version("symgroup")
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "sphinx_gallery.gen_gallery",
    "sphinxarg.ext",
]
exclude_patterns = [
    "_build",
    "sg_execution_times.rst",  # sphinx-gallery's timings, written at the build
    "tutorials/README.rst",  # the gallery's header, copied into generated/tutorials
    "generated/tutorials/*.ipynb",
    "generated/tutorials/*.py",
]
autosummary_generate = True
templates_path = ["_templates"]  # a class page: its docstring and own members, no table of inherited ones
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_inherit_docstrings = False  # torch.nn.Module's own docstrings are torch's, not ours
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3
html_theme = "furo"
html_title = f"symgroup {release}"
html_extra_path = [str(REPORT)]
nitpicky = True  # every cross-reference must resolve: the site's internal links are checked
# Other projects' names are not linked (their inventories would be downloaded at build time).
EXTERNAL = (
    "numpy|np|torch|nn|collections|pathlib|Path|abc|typing|hypothesis|st|sympy|networkx|safetensors|"
    "matplotlib|gymnasium|ray|sklearn"
)
nitpick_ignore_regex = [
    (r"py:.*", rf"({EXTERNAL})(\..*)?"),
    (r"py:class", r"(low|high|strict)=.*"),  # a Bound's arguments, inside an option's Annotated type
    (r"py:class", r"'.*"),  # an annotation autodoc could not evaluate (a name imported for type checking only)
    (r"py:(class|obj)", r"(symgroup\.learn\.registry\.L|envs\.registry\.E|symgroup\.registry\.T)"),  # TypeVars
]
autodoc_type_aliases = {
    name: f"{module}.{name}"
    for module, names in {
        "symgroup.action": ("Act",),
        "symgroup.representation": ("Matrices", "ExactMatrices"),
        "symgroup.check.encoding": ("Encoder",),
        "symgroup.check.world": ("Decomposition",),
        "symgroup.check.action": ("Action",),
        "symgroup.check.claims": ("Claim",),
        "envs.sampling": ("Rng", "Distribution"),
    }.items()
    for name in names
}
suppress_warnings = ["config.cache"]  # sphinx_gallery_conf holds a function; make docs builds afresh anyway
sphinx_gallery_conf = {
    "examples_dirs": "tutorials",
    "gallery_dirs": "generated/tutorials",
    "filename_pattern": r"\.py$",  # execute every tutorial
    "abort_on_example_error": True,
    "download_all_examples": False,
    "within_subsection_order": "FileNameSortKey",
    "reset_argv": lambda _, script: [str(REPORT)] if script["src_file"].endswith("plot_8_report_page.py") else [],
}
