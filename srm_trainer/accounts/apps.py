from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "srm_trainer.accounts"
    label = "accounts"
