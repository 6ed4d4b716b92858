"""Reads of the roadmap: projects with their criteria, the ranking, suggestions and the timetable."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.applications.models import FormVersion
from rathaus.catalogue.models import OnlineService, Service
from rathaus.municipalities.models import Municipality

from . import scheduling, scoring
from .figures import paper_volume_per_service, yearly_volume_per_service
from .models import Project, RoadmapSettings, ServiceVolume

SUGGESTION_LIMIT = 10
# A service needs at least this many counter, phone or letter requests a year to be suggested.
SUGGESTION_MINIMUM = 1


def settings_for(*, municipality: Municipality) -> RoadmapSettings:
    """The municipality's roadmap settings; defaults (unsaved) if it has none yet."""
    found = RoadmapSettings.objects.filter(municipality=municipality).first()
    if found is not None:
        return found
    today = timezone.localdate()
    return RoadmapSettings(municipality=municipality, start_year=today.year, start_quarter=(today.month - 1) // 3 + 1)


def weights_of(settings: RoadmapSettings) -> scoring.Weights:
    return scoring.Weights(
        benefit=settings.weight_benefit,
        hours=settings.weight_hours,
        legal=settings.weight_legal,
        effort=settings.weight_effort,
        risk=settings.weight_risk,
    )


def projects_for(*, municipality: Municipality) -> QuerySet[Project]:
    return (
        Project.objects.filter(municipality=municipality)
        .select_related("owning_unit")
        .prefetch_related("services", "dependencies", "milestones", "phases")
    )


def project_get(*, municipality: Municipality, project_id: int) -> Project | None:
    return projects_for(municipality=municipality).filter(pk=project_id).first()


@dataclass(frozen=True)
class ServiceVolumeSource:
    """A service's yearly volume and where it comes from: the portal's own count or an assumption."""

    service: Service
    measured: int
    assumed: int | None
    assumption_source: str

    @property
    def volume(self) -> int:
        return self.assumed if self.assumed is not None else self.measured


def service_volumes(
    *, municipality: Municipality, services: list[Service], now: datetime | None = None
) -> dict[int, ServiceVolumeSource]:
    measured = yearly_volume_per_service(municipality=municipality, now=now)
    assumptions = {
        volume.service_id: volume
        for volume in ServiceVolume.objects.filter(municipality=municipality, service__in=services)
    }
    return {
        service.pk: ServiceVolumeSource(
            service=service,
            measured=measured.get(service.pk, 0),
            assumed=assumptions[service.pk].yearly_volume if service.pk in assumptions else None,
            assumption_source=assumptions[service.pk].source if service.pk in assumptions else "",
        )
        for service in services
    }


@dataclass(frozen=True)
class ProjectFigures:
    """A project with the numbers its score is made of and where they come from."""

    project: Project
    volume: int
    volume_from_project: bool
    sources: list[ServiceVolumeSource]
    hours_saved: float
    legal_urgency: float

    @property
    def criteria(self) -> scoring.Criteria:
        return scoring.Criteria(
            benefit=self.volume,
            hours=self.hours_saved,
            legal=self.legal_urgency,
            effort=self.project.effort_days,
            risk=self.project.risk,
        )


def project_figures(
    *, municipality: Municipality, projects: list[Project], today: date | None = None, now: datetime | None = None
) -> list[ProjectFigures]:
    """Citizen benefit = yearly volume (project override, else the sum over its services), hours = volume × minutes / 60."""
    today = today or timezone.localdate()
    services = {service.pk: service for project in projects for service in project.services.all()}
    volumes = service_volumes(municipality=municipality, services=list(services.values()), now=now)
    result = []
    for project in projects:
        sources = [volumes[service.pk] for service in project.services.all()]
        from_project = project.expected_volume is not None
        volume = project.expected_volume if project.expected_volume is not None else sum(s.volume for s in sources)
        result.append(
            ProjectFigures(
                project=project,
                volume=volume,
                volume_from_project=from_project,
                sources=sources,
                hours_saved=volume * project.minutes_saved_per_case / 60,
                legal_urgency=scoring.legal_urgency(
                    project.legal_deadline, today, obligated=bool(project.legal_obligation.strip())
                ),
            )
        )
    return result


def ranking(
    *,
    municipality: Municipality,
    weights: scoring.Weights,
    include_done: bool = False,
    today: date | None = None,
    now: datetime | None = None,
) -> list[scoring.Ranked[ProjectFigures]]:
    """The municipality's projects by score; finished projects are left out unless asked for."""
    projects = list(projects_for(municipality=municipality))
    if not include_done:
        projects = [project for project in projects if project.status != Project.Status.DONE]
    figures = project_figures(municipality=municipality, projects=projects, today=today, now=now)
    return scoring.rank([(item, item.criteria) for item in figures], weights)


@dataclass(frozen=True)
class Suggestion:
    service: Service
    paper_volume: int


def suggestions(*, municipality: Municipality, now: datetime | None = None) -> list[Suggestion]:
    """Services with requests at the counter, by phone or letter, no published online form and no project yet."""
    paper = paper_volume_per_service(municipality=municipality, now=now)
    published_form = FormVersion.objects.filter(form__service=OuterRef("pk"), status=FormVersion.Status.PUBLISHED)
    online_service = OnlineService.objects.filter(services=OuterRef("pk"), is_enabled=True)
    candidates = (
        Service.objects.filter(
            municipality=municipality, pk__in=[key for key, n in paper.items() if n >= SUGGESTION_MINIMUM]
        )
        .exclude(Exists(published_form))
        .exclude(Exists(online_service))
        .exclude(roadmap_projects__municipality=municipality)
    )
    found = [Suggestion(service=service, paper_volume=paper[service.pk]) for service in candidates]
    found.sort(key=lambda suggestion: (-suggestion.paper_volume, suggestion.service.name.lower()))
    return found[:SUGGESTION_LIMIT]


# Timetable ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedMilestone:
    title: str
    day: date
    project: Project


@dataclass(frozen=True)
class PlannedPhase:
    title: str
    effort_percent: int
    first_day: date
    last_day: date


@dataclass(frozen=True)
class PlannedProject:
    project: Project
    rank: int
    start: scheduling.Quarter
    end: scheduling.Quarter
    start_index: int
    end_index: int
    allocation: list[tuple[scheduling.Quarter, int]]
    milestones: list[PlannedMilestone]
    phases: list[PlannedPhase] = field(default_factory=list)

    @property
    def first_day(self) -> date:
        return self.start.first_day

    @property
    def last_day(self) -> date:
        return self.end.last_day

    @property
    def misses_legal_deadline(self) -> bool:
        """Whether the planned end lies after the project's legal deadline."""
        deadline = self.project.legal_deadline
        return deadline is not None and self.last_day > deadline


def plan_phases(phases: list[tuple[str, int]], first_day: date, last_day: date) -> list[PlannedPhase]:
    """Consecutive parts of the span ``first_day``–``last_day``, each as long as its share of the effort.

    Shares below 100 % in total leave the end of the span without a phase; days are rounded so that
    a phase ends the day before the next begins.
    """
    span = (last_day - first_day).days + 1
    planned = []
    used = 0
    for title, percent in phases:
        start = first_day + timedelta(days=round(span * used / 100))
        used = min(100, used + percent)
        end = first_day + timedelta(days=round(span * used / 100) - 1)
        if end < start:
            end = start
        planned.append(PlannedPhase(title=title, effort_percent=percent, first_day=start, last_day=end))
    return planned


@dataclass(frozen=True)
class Timetable:
    settings: RoadmapSettings
    quarters: list[scheduling.Quarter]
    planned: list[PlannedProject]
    unscheduled: list[tuple[Project, str]]
    load: list[tuple[scheduling.Quarter, int]]


def _milestone_day(milestone_date: date | None, week: int | None, start: date) -> date:
    if milestone_date is not None:
        return milestone_date
    return start + timedelta(weeks=week or 0)


def timetable(
    *, municipality: Municipality, settings: RoadmapSettings | None = None, today: date | None = None
) -> Timetable:
    """The schedule of every unfinished project, in priority order of the saved weights."""
    settings = settings or settings_for(municipality=municipality)
    ranked = ranking(municipality=municipality, weights=weights_of(settings), today=today)
    done = frozenset(
        Project.objects.filter(municipality=municipality, status=Project.Status.DONE).values_list("pk", flat=True)
    )
    projects = {entry.item.project.pk: (entry.rank, entry.item.project) for entry in ranked}
    # Projects already under way keep their team: they are placed first, then the rest by rank.
    ordered = sorted(ranked, key=lambda entry: (entry.item.project.status != Project.Status.IN_PROGRESS, entry.rank))
    tasks = [
        scheduling.Task(
            key=entry.item.project.pk,
            effort=entry.item.project.effort_days,
            prerequisites=frozenset(dependency.pk for dependency in entry.item.project.dependencies.all()),
        )
        for entry in ordered
        if entry.item.project.status != Project.Status.ON_HOLD
    ]
    plan = scheduling.schedule(tasks, capacity=settings.capacity_days, done=done)

    def quarter(index: int) -> scheduling.Quarter:
        return scheduling.Quarter.at(settings.start_year, settings.start_quarter, index)

    planned = []
    for key, placement in plan.placements.items():
        position, project = projects[key]
        start = quarter(placement.start)
        milestones = [
            PlannedMilestone(
                title=milestone.title,
                day=_milestone_day(milestone.date, milestone.week, start.first_day),
                project=project,
            )
            for milestone in project.milestones.all()
        ]
        end = quarter(placement.end)
        planned.append(
            PlannedProject(
                project=project,
                rank=position,
                start=start,
                end=end,
                start_index=placement.start,
                end_index=placement.end,
                allocation=[(quarter(index), days) for index, days in sorted(placement.allocation.items())],
                milestones=sorted(milestones, key=lambda item: item.day),
                phases=plan_phases(
                    [(phase.title, phase.effort_percent) for phase in project.phases.all()],
                    start.first_day,
                    end.last_day,
                ),
            )
        )
    planned.sort(key=lambda item: (item.start_index, item.rank))
    unscheduled = [(projects[key][1], reason) for key, reason in plan.unscheduled.items()]
    on_hold = [
        (entry.item.project, str(_("Zurückgestellt.")))
        for entry in ranked
        if entry.item.project.status == Project.Status.ON_HOLD
    ]
    count = max(plan.quarters, 4)
    return Timetable(
        settings=settings,
        quarters=[quarter(index) for index in range(count)],
        planned=planned,
        unscheduled=unscheduled + on_hold,
        load=[(quarter(index), plan.load.get(index, 0)) for index in range(count)],
    )
