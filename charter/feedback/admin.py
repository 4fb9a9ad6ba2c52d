"""Configuration of feedback: a draft questionnaire's sections and questions are written here
(a published version is read-only: make a new version on its page), and the topics."""

from django.contrib import admin

from .models import Question, Questionnaire, Section, Topic


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["position", "title", "intro"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "version", "kind", "published_at"]
    list_filter = ["kind"]
    readonly_fields = ["code", "version", "shipped", "published_at", "published_by", "created_at"]
    inlines = [SectionInline]

    def has_add_permission(self, request) -> bool:
        return False  # a questionnaire starts as a new version of another, on its page

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.published_at:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """A draft's questions: wording, kind, what they count towards, RATER dimension."""

    list_display = ["text", "kind", "role", "dimension", "section"]
    list_filter = ["kind", "role", "dimension"]
    search_fields = ["text", "key"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section__questionnaire")

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.section.questionnaire.published_at:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            kwargs["queryset"] = Section.objects.filter(
                questionnaire__published_at__isnull=True
            ).select_related("questionnaire")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "responsible", "responsible_team", "is_active"]
    readonly_fields = ["code", "shipped"]
