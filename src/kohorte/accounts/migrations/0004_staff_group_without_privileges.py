from django.db import migrations

# What the programme-team group may no longer do (issue 9, item 1): add or delete accounts,
# and add, change or delete roles. Field-level limits live in accounts/admin.py.
REVOKED = [
    ("accounts", "add_user"),
    ("accounts", "delete_user"),
    ("accounts", "add_membership"),
    ("accounts", "change_membership"),
    ("accounts", "delete_membership"),
    ("accounts", "add_privacyconsent"),
    ("accounts", "change_privacyconsent"),
    ("accounts", "delete_privacyconsent"),
]


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Programmteam").first()
    if group is None:
        return
    for app_label, codename in REVOKED:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_privacy_consent"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(revoke, migrations.RunPython.noop)]
