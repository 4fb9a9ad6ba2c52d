"""What an erased customer leaves in feedback."""

from __future__ import annotations

from charter.core.tasks import enqueue_on_commit

from ..models import Answer, Comment, Invitation, Response, TrainingExample

# --- Erasure ------------------------------------------------------------------------------------
REMOVED = "(removed: the customer's personal data was erased)"


def on_customer_erased(sender, customer, **kwargs) -> dict:
    """Remove an erased customer's words and address from their feedback, keeping the counts
    and scores (a comment keeps its topic, dimension and sentiment; answers keep their
    numbers). Runs inside the erasure's transaction."""
    comments = Comment.objects.filter(customer=customer)
    forgotten, _ = TrainingExample.objects.filter(comment__customer=customer).delete()
    if forgotten:  # the stored models learnt their words: train without them, drop the rest
        enqueue_on_commit("charter.feedback.tasks.train_categoriser", forget_older=True)
    count = comments.update(text=REMOVED, name="", email="")
    Answer.objects.filter(response__customer=customer).exclude(text="").update(text="")
    Invitation.objects.filter(customer=customer).update(email="")
    responses = Response.objects.filter(customer=customer).count()
    return {"feedback comments": count, "survey responses": responses}
