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


def test_random_draws_span_block_refills_without_repeats() -> None:
    from driftscope.ids import random_128, random_hex32

    draws = [random_128() for _ in range(3 * 256 + 7)]  # three block refills and then some
    assert len(set(draws)) == len(draws)
    assert all(0 <= d < 2**128 for d in draws)
    texts = [random_hex32() for _ in range(3 * 256 + 7)]  # request ids: their own blocks
    assert len(set(texts)) == len(texts)
    assert all(len(t) == 32 and t == f"{int(t, 16):032x}" for t in texts)  # lowercase hex


def test_a_forked_child_does_not_reuse_the_parents_draws() -> None:
    import os

    from driftscope.ids import random_128, random_hex32

    random_128(), random_hex32()  # the parent now holds partly used blocks
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: report its next draws, then leave without running pytest's cleanup
        os.write(write_end, random_128().to_bytes(16) + random_hex32().encode())
        os._exit(0)
    os.waitpid(pid, 0)
    reported = os.read(read_end, 48)
    os.close(read_end)
    os.close(write_end)
    # the parent's next draws are not the child's
    assert int.from_bytes(reported[:16]) != random_128()
    assert reported[16:].decode() != random_hex32()


def test_uuid7_carries_the_millisecond_and_sorts_by_time() -> None:
    from driftscope.ids import uuid7

    now_ns = 1_764_850_000_123_456_789
    made = uuid7(now_ns)
    assert made.version == 7 and made.variant == uuid.RFC_4122
    assert made.int >> 80 == now_ns // 1_000_000  # the first 48 bits: Unix milliseconds
    later = uuid7(now_ns + 1_000_000)  # one millisecond later always sorts after
    assert later > made and uuid.UUID(str(later)) == later
    assert len({uuid7(now_ns) for _ in range(1_000)}) == 1_000  # random below the millisecond


def test_uuid7_ids_made_one_after_another_sort_in_the_order_made() -> None:
    """What lets the primary-key index append: a later id is greater, across milliseconds
    (within one millisecond the random bits decide, which an index does not mind)."""
    from driftscope.ids import uuid7

    start = 1_764_850_000_000_000_000
    made = [uuid7(start + k * 1_000_000) for k in range(2_000)]  # one a millisecond
    assert made == sorted(made)
    assert [m.bytes for m in made] == sorted(m.bytes for m in made)  # as PostgreSQL compares
    assert all(m.version == 7 for m in made)
