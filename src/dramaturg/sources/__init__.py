"""Library of sources (books, podcasts, videos, articles, websites) linked to interventions."""
