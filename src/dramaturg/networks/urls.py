"""Network pages live under /n/<network_slug>/ (and the personal list under /networks/).
Each part of the network keeps its own URL module; this one joins them."""

from dramaturg.networks import urls_core, urls_library, urls_threads

app_name = "networks"

urlpatterns = [*urls_core.urlpatterns, *urls_library.urlpatterns, *urls_threads.urlpatterns]
