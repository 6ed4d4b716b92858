from django.urls import URLPattern, URLResolver

app_name = "postbox"

urlpatterns: list[URLPattern | URLResolver] = []
