import factory

from rathaus.catalogue.models import OnlineService, Service, Topic
from rathaus.catalogue.search import service_index
from rathaus.municipalities.tests.factories import MunicipalityFactory


class ServiceFactory(factory.django.DjangoModelFactory):
    """A published, locally described service, indexed for search."""

    class Meta:
        model = Service
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    slug = factory.Sequence(lambda number: f"leistung-{number}")
    name = factory.Sequence(lambda number: f"Leistung {number}")
    teaser = "<p>Eine Leistung der Verwaltung.</p>"

    @factory.post_generation
    def indexed(self, create, extracted, **kwargs):
        if create:
            service_index(service=self)  # type: ignore[arg-type]


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = Topic.Kind.LIFE_SITUATION
    slug = factory.Sequence(lambda number: f"lebenslage-{number}")
    name = factory.Sequence(lambda number: f"Lebenslage {number}")


class OnlineServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OnlineService

    municipality = factory.SubFactory(MunicipalityFactory)
    name = "Online beantragen"
    url = "https://www.service-bw.de/"
    trust_level = OnlineService.TrustLevel.SUBSTANTIAL
