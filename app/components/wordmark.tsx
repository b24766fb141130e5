/** The hub's mark: two paths meeting, drawn inline so it costs no request and obeys the page's colours. */
export function Wordmark({ name }: { name: string }) {
  return (
    <>
      <svg className="mark" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="7" fill="#0b5cab" />
        <path d="M7 23c4-9 7-13 9-13s5 4 9 13" fill="none" stroke="#fff" strokeWidth="2.6" strokeLinecap="round" />
        <circle cx="16" cy="9" r="2.6" fill="#f2b33d" />
      </svg>
      <span className="brand-name">{name}</span>
    </>
  );
}
