"""Network pages: see networks/urls.py. The leaders' conversations (views_threads.py)."""

from django.urls import path

from dramaturg.networks import views_threads

_BASE = "n/<slug:network_slug>/conversations/"

urlpatterns: list = [
    path(_BASE, views_threads.threads, name="threads"),
    path(f"{_BASE}<int:thread_id>/", views_threads.thread, name="thread"),
    path(f"{_BASE}<int:thread_id>/delete/", views_threads.thread_delete, name="thread_delete"),
    path(
        f"{_BASE}<int:thread_id>/replies/<int:reply_id>/delete/",
        views_threads.reply_delete,
        name="reply_delete",
    ),
]
