from django.urls import path

from . import views

urlpatterns = [
    path("schemas/form-definition.json", views.form_definition_schema, name="form-definition-schema"),
]
