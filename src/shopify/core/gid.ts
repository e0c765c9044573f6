/** Shopify's global ids: `gid://shopify/Customer/7000000000001` → `7000000000001` (the id the store's tables keep). */
export function numericId(gid: string): string {
  const slash = gid.lastIndexOf('/');
  const tail = slash >= 0 ? gid.slice(slash + 1) : gid;
  const query = tail.indexOf('?');
  return query >= 0 ? tail.slice(0, query) : tail;
}

/** The object type a global id names (`Order`, `LineItem`, ...). */
export function gidType(gid: string): string {
  const match = /^gid:\/\/shopify\/([^/]+)\//.exec(gid);
  return match ? match[1] : '';
}
