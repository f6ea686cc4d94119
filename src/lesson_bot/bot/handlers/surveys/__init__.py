"""/survey: admins open a 民主测评 with a one-message form; admins and secretaries see its results."""
