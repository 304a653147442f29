from django.urls import path

from srm_trainer.sandbox import analysis, api, views

urlpatterns = [
    path("sandbox/", views.sandbox, name="sandbox"),
    path("sandbox/actions/", views.action_options, name="sandbox-actions"),
    path("sandbox/condition-keys/", views.condition_keys, name="sandbox-condition-keys"),
    path("sandbox/condition-operators/", views.condition_operators, name="sandbox-operators"),
    path("sandbox/findings/", views.policy_findings, name="sandbox-findings"),
    path("sandbox/batch/", analysis.batch, name="sandbox-batch"),
    path("sandbox/summary/", analysis.summary, name="sandbox-summary"),
    path("sandbox/compare/", analysis.compare, name="sandbox-compare"),
    path("api/iam/evaluate", api.evaluate_api, name="api-evaluate"),
    path("api/iam/simulate", api.simulate_api, name="api-simulate"),
    path("api/iam/summary", api.summary_api, name="api-summary"),
    path("api/iam/diff", api.diff_api, name="api-diff"),
]
