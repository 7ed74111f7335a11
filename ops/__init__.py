"""Operations tooling that runs beside the product, never inside its image (see .dockerignore)."""
