/** An input the review refuses: the action fails with this message instead of guessing a tier. */
export class UnreviewableChangeSet extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreviewableChangeSet';
  }
}
