"""Writes of the roadmap: settings and weights, projects, milestones and assumed volumes."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from rathaus.accounts.models import User
from rathaus.audit.services import audit_record
from rathaus.catalogue.models import Service
from rathaus.municipalities.models import Municipality, OrganisationalUnit

from .models import Milestone, Phase, Project, RoadmapSettings, ServiceVolume

WEIGHT_FIELDS = ("weight_benefit", "weight_hours", "weight_legal", "weight_effort", "weight_risk")
SETTINGS_FIELDS = (*WEIGHT_FIELDS, "capacity_days", "start_year", "start_quarter", "public_roadmap")


def _audit(
    municipality: Municipality, actor: User | None, action: str, object_type: str, object_id: Any, **details: Any
) -> None:
    audit_record(
        municipality_id=municipality.pk,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )


def roadmap_settings_save(*, municipality: Municipality, actor: User | None, **values: Any) -> RoadmapSettings:
    """Store the municipality's weights, capacity, planning start or public switch (only the fields given)."""
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"unknown settings: {sorted(unknown)}")
    with transaction.atomic():
        today = timezone.localdate()
        settings, _created = RoadmapSettings.objects.select_for_update().get_or_create(
            municipality=municipality,
            # The same planning start the pages show before anything was saved.
            defaults={"start_year": today.year, "start_quarter": (today.month - 1) // 3 + 1},
        )
        for name, value in values.items():
            setattr(settings, name, value)
        settings.full_clean()
        settings.save()
        _audit(municipality, actor, "roadmap.settings_saved", "roadmap_settings", settings.pk, fields=sorted(values))
    return settings


def dependency_cycle(*, project: Project | None, dependencies: Iterable[Project]) -> bool:
    """Whether making ``project`` depend on ``dependencies`` closes a cycle (or names the project itself)."""
    if project is None or project.pk is None:
        return False
    seen: set[int] = set()
    frontier = [dependency.pk for dependency in dependencies]
    while frontier:
        current = frontier.pop()
        if current == project.pk:
            return True
        if current in seen:
            continue
        seen.add(current)
        frontier.extend(
            Project.dependencies.through.objects.filter(from_project_id=current).values_list("to_project_id", flat=True)
        )
    return False


def _check_project(
    municipality: Municipality,
    project: Project | None,
    services: list[Service],
    dependencies: list[Project],
    owning_unit: OrganisationalUnit | None,
) -> None:
    if any(service.municipality_id != municipality.pk for service in services):
        raise ValidationError(_("Diese Leistung gehört nicht zu Ihrer Kommune."))
    if any(dependency.municipality_id != municipality.pk for dependency in dependencies):
        raise ValidationError(_("Dieses Projekt gehört nicht zu Ihrer Kommune."))
    if owning_unit is not None and owning_unit.municipality_id != municipality.pk:
        raise ValidationError(_("Diese Organisationseinheit gehört nicht zu Ihrer Kommune."))
    if dependency_cycle(project=project, dependencies=dependencies):
        raise ValidationError(_("Ein Projekt kann nicht von sich selbst abhängen, auch nicht über andere Projekte."))


def project_save(
    *,
    municipality: Municipality,
    actor: User | None,
    project: Project | None = None,
    title: str,
    description: str = "",
    services: Iterable[Service] = (),
    legal_obligation: str = "",
    legal_deadline: date | None = None,
    effort_days: int = 20,
    risk: int = 3,
    dependencies: Iterable[Project] = (),
    owning_unit: OrganisationalUnit | None = None,
    status: str = Project.Status.IDEA,
    minutes_saved_per_case: int = 0,
    expected_volume: int | None = None,
) -> Project:
    """Create a project, or change ``project``; refuses other municipalities' records and dependency cycles."""
    services = list(services)
    dependencies = list(dependencies)
    if project is not None and project.municipality_id != municipality.pk:
        raise ValidationError(_("Dieses Projekt gehört nicht zu Ihrer Kommune."))
    with transaction.atomic():
        created = project is None
        if project is None:
            project = Project(municipality=municipality)
        else:
            project = Project.objects.select_for_update().get(pk=project.pk)
        _check_project(municipality, project, services, dependencies, owning_unit)
        project.title = title
        project.description = description
        project.legal_obligation = legal_obligation
        project.legal_deadline = legal_deadline
        project.effort_days = effort_days
        project.risk = risk
        project.owning_unit = owning_unit
        project.status = status
        project.minutes_saved_per_case = minutes_saved_per_case
        project.expected_volume = expected_volume
        project.full_clean(exclude=["municipality"])
        project.save()
        project.services.set(services)
        project.dependencies.set(dependencies)
        _audit(
            municipality,
            actor,
            "roadmap.project_created" if created else "roadmap.project_changed",
            "roadmap_project",
            project.pk,
            status=status,
        )
    return project


def project_create_from_service(*, municipality: Municipality, actor: User | None, service: Service) -> Project:
    """A project idea "<service> online" for a suggested service."""
    if service.municipality_id != municipality.pk:
        raise ValidationError(_("Diese Leistung gehört nicht zu Ihrer Kommune."))
    unit = service.responsible_units.filter(municipality=municipality).first()
    return project_save(
        municipality=municipality,
        actor=actor,
        title=_("%(service)s online") % {"service": Truncator(service.name).chars(190)},
        description=_(
            "Vorschlag aus den Zahlen des Portals: viele Anträge kommen noch am Schalter, per Telefon oder Brief."
        ),
        services=[service],
        owning_unit=unit,
    )


def project_delete(*, municipality: Municipality, actor: User | None, project: Project) -> None:
    if project.municipality_id != municipality.pk:
        raise ValidationError(_("Dieses Projekt gehört nicht zu Ihrer Kommune."))
    with transaction.atomic():
        project_id = project.pk
        project.delete()
        _audit(municipality, actor, "roadmap.project_deleted", "roadmap_project", project_id)


def milestone_add(
    *, municipality: Municipality, actor: User | None, project: Project, title: str, date: date | None, week: int | None
) -> Milestone:
    """Add a milestone at a fixed date or a week after the project's planned start (exactly one of both)."""
    if project.municipality_id != municipality.pk:
        raise ValidationError(_("Dieses Projekt gehört nicht zu Ihrer Kommune."))
    if (date is None) == (week is None):
        raise ValidationError(_("Geben Sie entweder ein Datum oder eine Woche nach Projektbeginn an."))
    with transaction.atomic():
        milestone = Milestone(project=project, title=title, date=date, week=week)
        milestone.full_clean()
        milestone.save()
        _audit(municipality, actor, "roadmap.milestone_added", "roadmap_project", project.pk, milestone=milestone.pk)
    return milestone


def milestone_delete(*, municipality: Municipality, actor: User | None, milestone: Milestone) -> None:
    if milestone.project.municipality_id != municipality.pk:
        raise ValidationError(_("Dieses Projekt gehört nicht zu Ihrer Kommune."))
    with transaction.atomic():
        project_id, milestone_id = milestone.project_id, milestone.pk
        milestone.delete()
        _audit(municipality, actor, "roadmap.milestone_deleted", "roadmap_project", project_id, milestone=milestone_id)


def phase_add(
    *, municipality: Municipality, actor: User | None, project: Project, title: str, effort_percent: int
) -> Phase:
    """Append a phase to ``project``; the shares of all its phases together may not exceed 100 % of its effort."""
    if project.municipality_id != municipality.pk:
        raise ValidationError(_("Dieses Projekt gehört nicht zu Ihrer Kommune."))
    with transaction.atomic():
        # Locking the project serialises concurrent additions, so the sum check cannot be raced past.
        Project.objects.select_for_update().filter(pk=project.pk).first()
        existing = list(Phase.objects.filter(project=project))
        used = sum(phase.effort_percent for phase in existing)
        if used + effort_percent > 100:
            raise ValidationError(
                _("Die Phasen dürfen zusammen höchstens 100 %% des Aufwands haben; frei sind noch %(free)s %%.")
                % {"free": 100 - used}
            )
        phase = Phase(
            project=project,
            title=title,
            effort_percent=effort_percent,
            order=max((item.order for item in existing), default=0) + 1,
        )
        phase.full_clean()
        phase.save()
        _audit(municipality, actor, "roadmap.phase_added", "roadmap_project", project.pk, phase=phase.pk)
    return phase


def phase_delete(*, municipality: Municipality, actor: User | None, phase: Phase) -> None:
    if phase.project.municipality_id != municipality.pk:
        raise ValidationError(_("Dieses Projekt gehört nicht zu Ihrer Kommune."))
    with transaction.atomic():
        project_id, phase_id = phase.project_id, phase.pk
        phase.delete()
        _audit(municipality, actor, "roadmap.phase_deleted", "roadmap_project", project_id, phase=phase_id)


def service_volume_set(
    *, municipality: Municipality, actor: User | None, service: Service, yearly_volume: int | None, source: str = ""
) -> ServiceVolume | None:
    """Assume a yearly volume for a service; None removes the assumption (the measured count applies again)."""
    if service.municipality_id != municipality.pk:
        raise ValidationError(_("Diese Leistung gehört nicht zu Ihrer Kommune."))
    with transaction.atomic():
        if yearly_volume is None:
            ServiceVolume.objects.filter(municipality=municipality, service=service).delete()
            _audit(municipality, actor, "roadmap.volume_removed", "service", service.pk)
            return None
        volume, _created = ServiceVolume.objects.update_or_create(
            service=service, defaults={"municipality": municipality, "yearly_volume": yearly_volume, "source": source}
        )
        _audit(municipality, actor, "roadmap.volume_set", "service", service.pk, yearly_volume=yearly_volume)
    return volume
