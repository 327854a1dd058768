from django.urls import path

from . import views

app_name = "frontend"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("detections/", views.history, name="history"),
    path("detections/<uuid:detection_id>/", views.detection_detail, name="detection"),
]
