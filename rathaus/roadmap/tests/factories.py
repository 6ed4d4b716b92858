import factory

from rathaus.municipalities.tests.factories import MunicipalityFactory
from rathaus.roadmap.models import Milestone, Phase, Project, RoadmapSettings


class RoadmapSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoadmapSettings
        django_get_or_create = ("municipality",)

    municipality = factory.SubFactory(MunicipalityFactory)
    start_year = 2027
    start_quarter = 1


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda number: f"Projekt {number}")
    effort_days = 20
    risk = 3
    status = Project.Status.PLANNED


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = "Start des Pilotbetriebs"
    week = 4


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    project = factory.SubFactory(ProjectFactory)
    title = "Konzeption"
    order = 1
    effort_percent = 25
