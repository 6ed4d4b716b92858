"""Staff URLs of this app for the refusal walker (rathaus/accounts/tests/test_staff_area_refusals.py).

url name -> (args, minimum role that may use it); refusal comes before any lookup, so objects need not exist.
"""

LEAD = "office_lead"
ADMIN = "municipality_admin"

STAFF_VIEWS: dict[str, tuple[tuple[object, ...], str]] = {
    "roadmap:figures": ((), LEAD),
    "roadmap:figures_csv": ((), LEAD),
    "roadmap:overview": ((), LEAD),
    "roadmap:ranking_csv": ((), LEAD),
    "roadmap:weights_save": ((), ADMIN),
    "roadmap:settings": ((), ADMIN),
    "roadmap:volumes": ((), LEAD),
    "roadmap:volume_save": ((1,), LEAD),
    "roadmap:suggestion_create": ((1,), LEAD),
    "roadmap:project_create": ((), LEAD),
    "roadmap:project_edit": ((1,), LEAD),
    "roadmap:project_delete": ((1,), LEAD),
    "roadmap:milestone_add": ((1,), LEAD),
    "roadmap:milestone_delete": ((1, 1), LEAD),
    "roadmap:phase_add": ((1,), LEAD),
    "roadmap:phase_delete": ((1, 1), LEAD),
    "roadmap:timeline": ((), LEAD),
    "roadmap:timeline_csv": ((), LEAD),
    "roadmap:timeline_ical": ((), LEAD),
}
