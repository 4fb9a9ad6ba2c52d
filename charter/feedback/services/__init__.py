"""Every write of feedback and surveys: the shipped questionnaires and topics, feedback given on
the form or entered by staff, survey campaigns and their invitations, answers through a private
link, and the sorting and routing of comments.

Permissions are checked here; ``actor=None`` is the system (intake, tasks) or, for answers and
the public form, the customer themselves, whose right is the token or the open form.

One module per topic; the names callers use are re-exported here, so ``services.<name>`` works.
"""

from .answers import (
    AnswerProblems,
    TokenRefused,
    answers_check,
    invitation_for,
    invitation_opened,
    questions_of,
    response_submit,
)
from .comments import (
    comment_acknowledge,
    comment_correct,
    comment_open_case,
    comment_record_action,
    comment_router,
    comments_sort,
    feedback_give,
    topic_add,
    topic_route,
)
from .common import MAX_COMMENT
from .erasure import REMOVED, on_customer_erased
from .feedback_form import feedback_extra_answers, feedback_form_revise
from .questionnaires import (
    ROLE_FOR_KIND,
    question_add,
    question_move_up,
    question_remove,
    questionnaire_build,
    questionnaire_check,
    questionnaire_design,
    questionnaire_new_version,
    questionnaire_publish,
    shipped_install,
)
from .surveys import (
    Plan,
    case_survey,
    invitation_link,
    invitation_token,
    invitations_create,
    survey_close,
    survey_create,
    survey_open,
    survey_plan,
)
from .training import categoriser, categoriser_train

__all__ = [
    "MAX_COMMENT",
    "REMOVED",
    "ROLE_FOR_KIND",
    "AnswerProblems",
    "Plan",
    "TokenRefused",
    "answers_check",
    "case_survey",
    "categoriser",
    "categoriser_train",
    "comment_acknowledge",
    "comment_correct",
    "comment_open_case",
    "comment_record_action",
    "comment_router",
    "comments_sort",
    "feedback_extra_answers",
    "feedback_form_revise",
    "feedback_give",
    "invitation_for",
    "invitation_link",
    "invitation_opened",
    "invitation_token",
    "invitations_create",
    "on_customer_erased",
    "question_add",
    "question_move_up",
    "question_remove",
    "questionnaire_build",
    "questionnaire_check",
    "questionnaire_design",
    "questionnaire_new_version",
    "questionnaire_publish",
    "questions_of",
    "response_submit",
    "shipped_install",
    "survey_close",
    "survey_create",
    "survey_open",
    "survey_plan",
    "topic_add",
    "topic_route",
]
