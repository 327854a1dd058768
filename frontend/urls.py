from django.urls import path

from detection.live.views import live_page

from . import views

app_name = "frontend"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accuracy/", views.accuracy, name="accuracy"),
    path("detections/", views.history, name="history"),
    path("detections/<uuid:detection_id>/", views.detection_detail, name="detection"),
    path("detections/<uuid:detection_id>/media", views.detection_media, name="detection-media"),
    path(
        "detections/<uuid:detection_id>/delete/",
        views.detection_delete_view,
        name="detection-delete",
    ),
    # The live check's page (/live/) is added here by its owner.
    path("live/", live_page, name="live"),
]
