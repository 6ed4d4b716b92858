from django.urls import URLPattern, URLResolver

app_name = "roadmap"

urlpatterns: list[URLPattern | URLResolver] = []
