from tests.dossiers.conftest import no_fees, world  # noqa: F401 - the shared small province
