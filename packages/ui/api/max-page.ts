/** The most items one filter call returns (Prefect's PREFECT_SERVER_API_DEFAULT_LIMIT; ecsflow refuses more). */
export const MAX_PAGE = 200;
