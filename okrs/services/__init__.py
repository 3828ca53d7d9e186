"""The only way to change OKR data (web, API and Celery all call these).

See docs/decisions/0001-service-layer-contract.md and docs/domain.md.
"""

from okrs.services._common import CLOSED_MESSAGE, ConflictError
from okrs.services.check_ins import record_check_in
from okrs.services.collaboration import (
    add_comment,
    create_initiative,
    create_risk,
    delete_comment,
    delete_initiative,
    delete_risk,
    update_initiative,
    update_risk,
)
from okrs.services.copying import copy_unfinished_okrs
from okrs.services.cycles import (
    activate_cycle,
    change_cycle,
    close_cycle,
    create_cycle,
    update_cycle,
)
from okrs.services.grading import save_grades
from okrs.services.health import health_report, unit_overview
from okrs.services.key_results import (
    create_key_result,
    delete_key_result,
    grade_key_result,
    set_contributors,
    update_key_result,
)
from okrs.services.objectives import (
    create_objective,
    delete_objective,
    grade_objective,
    update_objective,
)
from okrs.services.rollup import recompute_cycle, recompute_key_result, recompute_objective_chain
from okrs.services.trash import purge_trash, restore_key_result, restore_objective

__all__ = [
    "CLOSED_MESSAGE",
    "ConflictError",
    "activate_cycle",
    "add_comment",
    "change_cycle",
    "close_cycle",
    "copy_unfinished_okrs",
    "create_cycle",
    "create_initiative",
    "create_key_result",
    "create_objective",
    "create_risk",
    "delete_comment",
    "delete_initiative",
    "delete_key_result",
    "delete_objective",
    "delete_risk",
    "purge_trash",
    "restore_key_result",
    "restore_objective",
    "save_grades",
    "grade_key_result",
    "health_report",
    "grade_objective",
    "recompute_cycle",
    "recompute_key_result",
    "recompute_objective_chain",
    "record_check_in",
    "set_contributors",
    "unit_overview",
    "update_cycle",
    "update_initiative",
    "update_key_result",
    "update_objective",
    "update_risk",
]
