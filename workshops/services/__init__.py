"""Writes of the workshop day that span models, one module per job; import from the module itself.

- ``answers``: the room's answer to a case as a value (``ReviewAnswer``), before it is stored
- ``answer_words``: an answer in words, for the audit trail and for showing a conflict
- ``reviews``: ``review_save``, the one way a review is stored, and ``ReviewConflict``
- ``rooms``: a room with its people, and the case it has open
- ``allocation``: the allocation page's save: each case's room and order, its other rooms
- ``placements``: where the cases go when shared out or moved (pure, nothing saved)

Agreement between rooms (second rooms, calibration cases, the draw, which review counts) is in
``workshops/agreement/``."""
