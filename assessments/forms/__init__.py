"""Forms, one module per area (questionnaire, workspace, ...)."""
