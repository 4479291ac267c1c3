/** The setup SQL both integration test files use, so they share one template. */
export const notesSetupSql = [
  'CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)',
  "INSERT INTO notes (body) VALUES ('from the template')",
];
