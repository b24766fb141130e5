/**
 * Any path no other route claims. Without it Remix answers 404 without running the root loader, so the page
 * would not know the reader's language; throwing here renders the root boundary with it.
 */
const notFound = () => {
  throw new Response(null, { status: 404, statusText: "Not Found" });
};

export const loader = notFound;
export const action = notFound;

export default function NotFound() {
  return null;
}
