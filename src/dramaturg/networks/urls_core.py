"""Network pages: see networks/urls.py. The core: my networks, a network's home and people,
starting a network, inviting schools, leaving, and answering an invitation."""

from django.urls import path

from dramaturg.networks import views

urlpatterns = [
    path("networks/", views.network_list, name="list"),
    path("networks/new/", views.network_create, name="create"),
    path(
        "networks/invitations/<int:invitation_id>/",
        views.invitation_answer,
        name="invitation",
    ),
    path("n/<slug:network_slug>/", views.network_home, name="home"),
    path("n/<slug:network_slug>/people/", views.network_people, name="people"),
    path("n/<slug:network_slug>/invite/", views.network_invite, name="invite"),
    path("n/<slug:network_slug>/leave/", views.network_leave, name="leave"),
]
