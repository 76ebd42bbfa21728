"""Operations on a SOMA holdings table: maturity ladder, WAM, buckets, MBS cohorts."""
