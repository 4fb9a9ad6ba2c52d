"""Permissions read once per user, not once per request.

Every API call and page asks ``has_perm``; Django's model backend answers with two queries (the
user's own permissions and their groups'), on every request. Roles change rarely, so the set is
kept in the cache: under the user's key, stamped with a generation that any change of a role's
permissions moves on. A change of a user's roles or permissions drops that user's entry at once
(through ``m2m_changed``, however the change was made); entries also expire after
``PERMISSIONS_CACHE_SECONDS``, which bounds what a process with its own local cache can miss.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed

GENERATION_KEY = "charter:perms:generation"


def _key(user_pk) -> str:
    return f"charter:perms:user:{user_pk}"


def _seconds() -> int:
    return getattr(settings, "PERMISSIONS_CACHE_SECONDS", 300)


class CachedModelBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            key = _key(user_obj.pk)
            found = cache.get_many([key, GENERATION_KEY])
            generation = found.get(GENERATION_KEY, 0)
            entry = found.get(key)
            if entry is not None and entry[0] == generation:
                user_obj._perm_cache = entry[1]
            else:
                permissions = super().get_all_permissions(user_obj)
                cache.set(key, (generation, permissions), _seconds())
        return user_obj._perm_cache


def forget_user(user_pk) -> None:
    # After commit as well, so a request that read the old rows meanwhile cannot keep them.
    cache.delete(_key(user_pk))
    transaction.on_commit(lambda: cache.delete(_key(user_pk)))


def forget_everyone() -> None:
    def bump():
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, 1, None)

    bump()
    transaction.on_commit(bump)


def _user_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:
        # group.user_set.add(...) or permission.user_set.add(...): the users named (a clear
        # names nobody, so everyone is read again).
        if pk_set is None:
            forget_everyone()
        else:
            for pk in pk_set:
                forget_user(pk)
    else:
        forget_user(instance.pk)


def _group_changed(sender, instance, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        forget_everyone()


def connect() -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model()
    for through in (user.groups.through, user.user_permissions.through):
        m2m_changed.connect(_user_changed, sender=through, dispatch_uid=f"perms-{through}")
    m2m_changed.connect(_group_changed, sender=Group.permissions.through, dispatch_uid="perms-g")
