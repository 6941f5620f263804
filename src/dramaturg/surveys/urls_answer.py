"""The respondent's pages, outside any school: a link or a code is the only way in."""

from django.urls import path

from dramaturg.surveys import views_answer

app_name = "answer"
urlpatterns = [
    path("answer/", views_answer.student, name="student"),
    path("answer/thanks/", views_answer.thanks, name="thanks"),
    path("answer/<str:token>/", views_answer.staff, name="staff"),
    path("answer/<str:token>/group/", views_answer.group, name="group"),
]
