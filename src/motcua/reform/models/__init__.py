"""Reform monitoring: the yearly reform plan and its tasks, indicators per area (``plan``), and
the PAR index self-assessment and appraisal (``par``)."""

from motcua.reform.models.par import *  # noqa: F403
from motcua.reform.models.plan import *  # noqa: F403
