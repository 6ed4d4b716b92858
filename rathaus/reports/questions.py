"""A category's extra questions: checking their definition and the answers to them."""

from typing import Any

from django.utils.translation import gettext as _

from .models import Category

DATATYPES = {choice.value for choice in Category.Datatype}
LIST_TYPES = {Category.Datatype.SINGLE.value, Category.Datatype.MULTI.value}


def question_errors(questions: Any) -> list[str]:
    """Every reason why ``questions`` is not a usable list of extra questions, for administrators."""
    if not isinstance(questions, list):
        return [_("Die Zusatzfragen müssen eine JSON-Liste sein.")]
    errors: list[str] = []
    codes: set[str] = set()
    for question in questions:
        if not isinstance(question, dict) or not isinstance(question.get("code"), str) or not question.get("label"):
            errors.append(_("Jede Zusatzfrage braucht „code“ und „label“."))
            continue
        code = question["code"]
        if not code.isidentifier():
            errors.append(_("„%(code)s“: der code darf nur Buchstaben, Ziffern und _ enthalten.") % {"code": code})
        if code in codes:
            errors.append(_("Die Zusatzfrage „%(code)s“ ist doppelt.") % {"code": code})
        codes.add(code)
        if question.get("datatype", "string") not in DATATYPES:
            errors.append(
                _("„%(code)s“: datatype muss string, number, text, singlevaluelist oder multivaluelist sein.")
                % {"code": code}
            )
        if question.get("datatype") in LIST_TYPES:
            values = question.get("values")
            if not isinstance(values, list) or not values:
                errors.append(_("„%(code)s“: eine Auswahl braucht eine Liste „values“.") % {"code": code})
            elif not all(isinstance(value, dict) and value.get("key") and value.get("name") for value in values):
                errors.append(_("„%(code)s“: jeder Wert braucht „key“ und „name“.") % {"code": code})
    return errors


def value_keys(question: dict[str, Any]) -> list[str]:
    return [str(value["key"]) for value in question.get("values") or []]


def answers_clean(category: Category, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers kept (only known questions, typed) and the errors per question code."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in category.questions or []:
        code = question["code"]
        datatype = question.get("datatype", "string")
        value = raw.get(code)
        if datatype == Category.Datatype.MULTI:
            values = [str(item) for item in (value if isinstance(value, list) else [value] if value else [])]
            if any(item not in value_keys(question) for item in values):
                errors[code] = _("Bitte wählen Sie aus den angebotenen Werten.")
            elif values:
                answers[code] = values
        else:
            text = "" if value is None else str(value).strip()
            if not text:
                pass
            elif datatype == Category.Datatype.NUMBER:
                try:
                    answers[code] = float(text.replace(",", ".")) if "." in text or "," in text else int(text)
                except ValueError:
                    errors[code] = _("Bitte geben Sie eine Zahl an.")
            elif datatype == Category.Datatype.SINGLE:
                if text not in value_keys(question):
                    errors[code] = _("Bitte wählen Sie aus den angebotenen Werten.")
                else:
                    answers[code] = text
            else:
                answers[code] = text[:2000]
        if question.get("required") and code not in answers and code not in errors:
            errors[code] = _("Bitte beantworten Sie diese Frage.")
    return answers, errors


def answers_display(category: Category, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """(question, answer) pairs for pages and e-mails, list values by their names."""
    pairs = []
    for question in category.questions or []:
        value = answers.get(question["code"])
        if value in (None, "", []):
            continue
        names = {str(item["key"]): str(item["name"]) for item in question.get("values") or []}
        if isinstance(value, list):
            text = ", ".join(names.get(str(item), str(item)) for item in value)
        else:
            text = names.get(str(value), str(value))
        pairs.append((str(question["label"]), text))
    return pairs
