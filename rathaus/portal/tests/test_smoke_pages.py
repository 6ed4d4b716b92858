import pytest

from conftest import ESSLINGEN_HOST, client_for


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/aemter/", "/impressum/", "/datenschutz/", "/barrierefreiheit/", "/suche/?q=amt"]
)
def test_public_pages_answer_in_german_for_the_municipality_of_the_host(esslingen, citizens_office, path):
    response = client_for(ESSLINGEN_HOST).get(path)

    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="de">' in body
    assert "Esslingen am Neckar" in body
