"""Staff URLs of this app for the refusal walker (rathaus/accounts/tests/test_staff_area_refusals.py).

url name -> (args, minimum role that may use it); refusal comes before any lookup, so objects need not exist.
"""

STAFF_VIEWS: dict[str, tuple[tuple[object, ...], str]] = {
    "appointments:staff_location_list": ((), "office_lead"),
    "appointments:staff_location_create": ((), "municipality_admin"),
    "appointments:staff_location_edit": ((1,), "office_lead"),
    "appointments:staff_opening_hours": ((1,), "office_lead"),
    "appointments:staff_closures": ((1,), "office_lead"),
    "appointments:staff_closure_delete": ((1, 1), "office_lead"),
    "appointments:staff_counters": ((1,), "office_lead"),
    "appointments:staff_counter_edit": ((1, 1), "office_lead"),
    "appointments:staff_service_list": ((), "municipality_admin"),
    "appointments:staff_service_create": ((), "municipality_admin"),
    "appointments:staff_service_edit": ((1,), "municipality_admin"),
    "appointments:staff_policy": ((), "municipality_admin"),
    "appointments:staff_lottery_list": ((), "municipality_admin"),
    "appointments:staff_phone_booking": ((), "clerk"),
    "appointments:staff_day_list": ((), "clerk"),
    "appointments:staff_appointment_cancel": (("00000000-0000-0000-0000-000000000000",), "clerk"),
}
