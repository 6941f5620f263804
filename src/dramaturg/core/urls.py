from django.urls import path

from dramaturg.core import views

app_name = "core"
urlpatterns = [
    path("language/", views.set_language, name="set_language"),
]
