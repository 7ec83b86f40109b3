// A patch that cannot be applied; the apiserver maps it to a 422 / 400 response.
export class PatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatchError';
  }
}
