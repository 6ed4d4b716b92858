"""Demo online applications for Esslingen, one JSON definition per catalogue service.

Loading is repeatable: a form whose published definition equals the file is left alone, a
changed file becomes a new published version, so earlier submissions keep theirs.
"""

import json
from pathlib import Path

from django.db import transaction

from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality

from .models import FormVersion
from .services import form_create, form_publish, form_settings_update

FORMS_FOLDER = Path(__file__).resolve().parent / "demo_data" / "forms"


@transaction.atomic
def load_forms(municipality: Municipality) -> int:
    """Create or update the demo forms; returns how many services have an online application."""
    loaded = 0
    for path in sorted(FORMS_FOLDER.glob("*.json")):
        service = Service.objects.filter(municipality=municipality, slug=path.stem).first()
        if service is None:
            continue
        definition = json.loads(path.read_text(encoding="utf-8"))
        published = FormVersion.objects.filter(form__service=service, status=FormVersion.Status.PUBLISHED).first()
        if published is None or published.definition != definition:
            form = form_create(
                municipality=municipality, service=service, definition=definition, origin=FormVersion.Origin.DEMO
            )
            if not form.handoff_backends:
                form_settings_update(form=form, values={"handoff_backends": ["case"]})
            form_publish(form=form)
        loaded += 1
    return loaded
