"""Staff URLs of this app for the refusal walker (rathaus/accounts/tests/test_staff_area_refusals.py).

url name -> (args, minimum role that may use it); refusal comes before any lookup, so objects need not exist.
"""

REPORT = "00000000-0000-0000-0000-000000000000"

STAFF_VIEWS: dict[str, tuple[tuple[object, ...], str]] = {
    "reports:staff_list": ((), "clerk"),
    "reports:staff_report": ((REPORT,), "clerk"),
    "reports:staff_status": ((REPORT,), "clerk"),
    "reports:staff_note": ((REPORT,), "clerk"),
    "reports:staff_moderate": ((REPORT,), "clerk"),
    "reports:staff_photo_visibility": ((REPORT, 1), "clerk"),
    "reports:staff_photo": ((REPORT, 1), "clerk"),
    "reports:staff_merge": ((REPORT,), "clerk"),
    "reports:staff_route": ((REPORT,), "clerk"),
    "reports:staff_category_list": ((), "municipality_admin"),
    "reports:staff_category_new": ((), "municipality_admin"),
    "reports:staff_category": ((1,), "municipality_admin"),
    "reports:staff_area_list": ((), "municipality_admin"),
    "reports:staff_area_new": ((), "municipality_admin"),
    "reports:staff_area": ((1,), "municipality_admin"),
}
