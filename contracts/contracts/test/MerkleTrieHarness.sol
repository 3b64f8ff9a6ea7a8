// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import { MerkleTrie, SecureMerkleTrie } from "../lib/MerkleTrie.sol";

/// @notice Test helper exposing the Merkle-Patricia verifier.
contract MerkleTrieHarness {
    function get(bytes memory _key, bytes[] memory _proof, bytes32 _root) external pure returns (bytes memory) {
        return MerkleTrie.get(_key, _proof, _root);
    }

    function secureGet(bytes memory _key, bytes[] memory _proof, bytes32 _root) external pure returns (bytes memory) {
        return SecureMerkleTrie.get(_key, _proof, _root);
    }

    function verifySecure(bytes memory _key, bytes memory _value, bytes[] memory _proof, bytes32 _root)
        external
        pure
        returns (bool)
    {
        return SecureMerkleTrie.verifyInclusionProof(_key, _value, _proof, _root);
    }
}
