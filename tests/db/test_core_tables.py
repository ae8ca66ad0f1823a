"""The ORM-free table handles name real columns of the models, with the same kind of type."""

from __future__ import annotations

import pytest
from sqlalchemy import Boolean, Date, Integer, String

from vidtask.db import core_tables
from vidtask.db.models import Base


@pytest.mark.parametrize("light", core_tables.ALL, ids=lambda t: t.name)
def test_every_light_column_matches_the_model(light) -> None:  # type: ignore[no-untyped-def]
    model = Base.metadata.tables[light.name]
    for column in light.c:
        assert column.name in model.c, f"{light.name}.{column.name} is not in the models"
        for kind in (Boolean, Date, Integer, String):
            if isinstance(column.type, kind):
                assert isinstance(model.c[column.name].type, kind), \
                    f"{light.name}.{column.name}: {model.c[column.name].type!r}"
