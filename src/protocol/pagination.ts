/** Params of every list method. */
export interface PaginatedParams {
  cursor?: string;
}

/** Every list result may carry the cursor of the next page. */
export interface PaginatedResult {
  nextCursor?: string;
}
