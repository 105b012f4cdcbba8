"""Quality checks on translations: what breaks a news story in another language.

Each check is one small function over one catalogue entry (publisher.checks.content, figures, form,
marks, script); publisher.checks.runner lists them, runs them over an article's catalogues and
reports problems at the line where each entry starts. `publish check` prints them; the build
refuses a language with errors to the formats whose gate says so (the wire feed).
"""

from publisher.checks.runner import CHECK_NAMES, Problem, Report, GateChecks, check_articles, errors_by_language

__all__ = ["CHECK_NAMES", "Problem", "Report", "GateChecks", "check_articles", "errors_by_language"]
