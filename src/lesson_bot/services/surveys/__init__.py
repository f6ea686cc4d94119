"""民主测评: open a survey in every branch group as anonymous polls, stop them at the close, show the counts."""
