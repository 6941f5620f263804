"""The facilitator's pages for measurement rounds and classes, inside a school."""

from django.urls import path

from dramaturg.surveys import views

app_name = "surveys"

SCHOOL = "s/<slug:school_slug>/"
ROUND = f"{SCHOOL}rounds/<int:round_id>/"

urlpatterns = [
    path(f"{SCHOOL}rounds/", views.round_list, name="rounds"),
    path(f"{SCHOOL}rounds/new/", views.round_create, name="round_create"),
    path(ROUND, views.round_detail, name="round_detail"),
    path(f"{ROUND}remind/", views.round_remind, name="round_remind"),
    path(f"{ROUND}close/", views.round_close, name="round_close"),
    path(f"{ROUND}codes/<int:target_id>/", views.round_codes, name="round_codes"),
    path(f"{SCHOOL}classes/", views.class_list, name="classes"),
]
