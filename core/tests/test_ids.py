import uuid

from driftscope.ids import random_uuid4, uuid_from_int


def test_random_uuid4_is_a_version_4_rfc_4122_uuid() -> None:
    made = {random_uuid4() for _ in range(1_000)}
    assert len(made) == 1_000
    for value in made:
        assert value.version == 4 and value.variant == uuid.RFC_4122
        assert uuid.UUID(str(value)) == value and hash(uuid.UUID(str(value))) == hash(value)


def test_uuid_from_int_equals_the_constructor() -> None:
    value = uuid.uuid5(uuid.NAMESPACE_URL, "driftscope")
    made = uuid_from_int(value.int)
    assert made == value and str(made) == str(value) and made.hex == value.hex
    assert made.bytes == value.bytes and made.is_safe == uuid.SafeUUID.unknown
